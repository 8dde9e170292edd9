// The console's home: readiness to move, sites and their lifecycle states, replication health per
// volume group, the last run and drill (local time and how long ago), a lock held by a run in
// progress, and how many changes are pending.
import { Box, Text } from 'ink';
import type { DashboardStatus } from '../../console/services.js';
import { whenText } from '../../console/time.js';
// Direct, not the config facade (which brings the loader and the parser): views load only what they draw with, and
// the live view's worker starts from them (a measured start-up, bench/tui.bench.mjs).
import { formatDuration } from '../../../config/duration.js';
import { colourProps, dimProps, fit } from '../theme.js';
import { RpoGauges } from './rpo-gauges.js';

export interface DashboardProps {
  readonly status: DashboardStatus | undefined;
  readonly width: number;
  readonly color: boolean;
  /** Wall-clock ms, for "3 min ago" (default Date.now). */
  readonly now?: () => number;
}

const short = (site: string) => site.replace(/^site\./, '');

export function Dashboard({ status, width, color, now = Date.now }: DashboardProps) {
  if (!status) return <Text {...dimProps(color)}>Reading status…</Text>;
  const wall = new Date(now());
  const nameWidth = Math.max(4, ...status.sites.map((s) => s.name.length));
  const drill = status.lastDrill;
  const run = status.lastRun;
  const pending = status.pendingChanges;
  const active = status.sites.find((s) => s.role === 'active');
  const standby = status.sites.find((s) => s.role !== 'active');
  const r = status.readiness;
  return (
    <Box flexDirection="column" width={width}>
      {r ? (
        <Text wrap="truncate-end" {...colourProps(color, r.ready ? 'green' : 'red')}>
          {r.ready
            ? `Ready: production at ${active?.name ?? '?'} can move to ${standby?.name ?? '?'}`
            : `Not ready: ${r.reasons.join('; ') || 'replication is not healthy'}`}
        </Text>
      ) : null}
      {status.lockedBy ? (
        <Text wrap="truncate-end" {...colourProps(color, 'yellow')}>
          {`A run holds the state lock: ${status.lockedBy}`}
        </Text>
      ) : null}
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
      <Text bold={color}>Last run</Text>
      <Text wrap="truncate-end">
        {'  '}
        {run ? (
          <>
            {`${run.kind} `}
            <Text {...colourProps(color, /succeed|pass|nothing/i.test(run.outcome) ? 'green' : 'red')}>{run.outcome}</Text>
            {run.from && run.to ? ` ${short(run.from)} → ${short(run.to)}` : ''}
            {run.at ? ` · ${whenText(run.at, wall)}` : ''}
          </>
        ) : (
          <Text {...dimProps(color)}>no DR run recorded</Text>
        )}
      </Text>
      <Text bold={color}>Last drill</Text>
      <Text wrap="truncate-end">
        {'  '}
        {drill ? (
          <>
            {drill.name}: <Text {...colourProps(color, /pass|succeed|ok/i.test(drill.result) ? 'green' : 'red')}>{drill.result}</Text>
            {drill.rtoSeconds !== undefined ? ` · RTO ${formatDuration(drill.rtoSeconds)}` : ''}
            {drill.at ? ` · ${whenText(drill.at, wall)}` : ''}
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
      {status.readAt ? (
        <Text {...dimProps(color)}>{fit(`Read ${whenText(status.readAt, wall)}; refreshes on its own, and when a .hcl file changes.`, width)}</Text>
      ) : null}
    </Box>
  );
}
