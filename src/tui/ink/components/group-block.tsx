// A recovery group (or resource type) under a site: a count, a bar, and its rows in flight. A
// group of hundreds shows a few rows and "… N more": the tree stays the height of the screen.
import { Box, Text } from 'ink';
import type { GroupProgress } from '../../progress/model.js';
import { colourProps, dimProps, fit } from '../theme.js';
import { ResourceRow } from './resource-row.js';

export interface GroupBlockProps {
  readonly group: GroupProgress;
  readonly now: number;
  readonly width: number;
  readonly color: boolean;
  /** Rows in flight shown before collapsing the rest into a count. */
  readonly maxRows: number;
}

export function progressBar(done: number, total: number, cells: number): string {
  if (cells <= 0) return '';
  const filled = total > 0 ? Math.min(cells, Math.round((done / total) * cells)) : 0;
  return '█'.repeat(filled) + '░'.repeat(cells - filled);
}

export function GroupBlock({ group, now, width, color, maxRows }: GroupBlockProps) {
  const settled = group.done + group.failed + group.skipped;
  const count = group.total ? `${settled}/${group.total}` : `${settled}`;
  const extra = [group.failed ? `${group.failed} failed` : '', group.skipped ? `${group.skipped} skipped` : ''].filter(Boolean).join(', ');
  const cells = Math.max(0, Math.min(20, width - 50));
  const name = fit(group.group, Math.max(8, width - 2 - count.length - cells - extra.length - 8));
  const shown = group.running.slice(0, maxRows);
  const hidden = group.running.length - shown.length;
  return (
    <Box flexDirection="column" width={width}>
      <Box paddingLeft={2}>
        <Text bold={color}>{name}</Text>
        <Text> {count}</Text>
        {cells > 0 && group.total > 0 ? <Text {...colourProps(color, group.failed ? 'red' : 'green')}> {progressBar(settled, group.total, cells)}</Text> : null}
        {extra ? <Text {...colourProps(color, group.failed ? 'red' : 'yellow')}> {extra}</Text> : null}
      </Box>
      {shown.map((row) => (
        <ResourceRow key={row.address} row={row} now={now} width={width} color={color} />
      ))}
      {hidden > 0 ? (
        <Box paddingLeft={6}>
          <Text {...dimProps(color)}>… {hidden} more in flight</Text>
        </Box>
      ) : null}
    </Box>
  );
}
