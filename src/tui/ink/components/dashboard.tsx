// The console's home: sites and their lifecycle states, replication health per volume group,
// the last drill, and how many changes are pending.
import { Box, Text } from 'ink';
import type { DashboardStatus } from '../../console/services.js';
// Direct, not the config facade (which brings the loader and the parser): views load only what they draw with, and
// the live view's worker starts from them (a measured start-up, bench/tui.bench.mjs).
import { formatDuration } from '../../../config/duration.js';
import { colourProps, dimProps, fit } from '../theme.js';
import { RpoGauges } from './rpo-gauges.js';

export interface DashboardProps {
  readonly status: DashboardStatus | undefined;
  readonly width: number;
  readonly color: boolean;
}

export function Dashboard({ status, width, color }: DashboardProps) {
  if (!status) return <Text {...dimProps(color)}>Reading status…</Text>;
  const nameWidth = Math.max(4, ...status.sites.map((s) => s.name.length));
  const drill = status.lastDrill;
  const pending = status.pendingChanges;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold={color}>Sites</Text>
      {status.sites.length === 0 ? <Text {...dimProps(color)}> none configured</Text> : null}
      {status.sites.map((s) => (
        <Text key={s.name} wrap="truncate-end">
          {'  '}
          {s.name.padEnd(nameWidth)} <Text {...dimProps(color)}>{s.location.padEnd(6)}</Text>{' '}
          <Text {...colourProps(color, s.role === 'active' ? 'green' : 'cyan')}>{s.role}</Text>
          {s.lifecycle ? <Text> · lifecycle {s.lifecycle}</Text> : null}
        </Text>
      ))}
      <Text bold={color}>Replication</Text>
      {status.volumeGroups.length === 0 ? <Text {...dimProps(color)}> no volume groups in state yet (apply first)</Text> : null}
      <Box paddingLeft={2}>
        <RpoGauges readings={status.volumeGroups} width={width - 2} color={color} />
      </Box>
      <Text bold={color}>Last drill</Text>
      <Text wrap="truncate-end">
        {'  '}
        {drill ? (
          <>
            {drill.name}: <Text {...colourProps(color, /pass|succeed|ok/i.test(drill.result) ? 'green' : 'red')}>{drill.result}</Text>
            {drill.rtoSeconds !== undefined ? ` · RTO ${formatDuration(drill.rtoSeconds)}` : ''}
            {drill.at ? ` · ${drill.at}` : ''}
          </>
        ) : (
          <Text {...dimProps(color)}>no drill recorded</Text>
        )}
      </Text>
      <Text bold={color}>Pending changes</Text>
      <Text>
        {'  '}
        {pending === undefined ? (
          <Text {...dimProps(color)}>unknown</Text>
        ) : pending === 0 ? (
          <Text {...colourProps(color, 'green')}>none: state matches the configuration</Text>
        ) : (
          <Text {...colourProps(color, 'yellow')}>{`${pending} change${pending === 1 ? '' : 's'} pending (p to plan)`}</Text>
        )}
        <Text {...dimProps(color)}>
          {status.stateSerial !== undefined ? ` · state serial ${status.stateSerial}, ${status.resources} resources` : ' · no state yet'}
        </Text>
      </Text>
      {status.problems.map((p, i) => (
        <Text key={i} {...colourProps(color, 'red')}>
          {fit(`! ${p}`, width)}
        </Text>
      ))}
    </Box>
  );
}
