// One live resource: glyph, address, status with spinner, elapsed.
import { Box, Text } from 'ink';
// Direct, not the plan facade (which brings its engine): views load only what they draw with, and
// the live view's worker starts from them (a measured start-up, bench/tui.bench.mjs).
import { ACTION_GLYPH, ACTION_ING, type Action } from '../../../plan/actions.js';
import type { LiveRow } from '../../progress/model.js';
import { colourProps, dimProps, elapsedText, fit, spinnerFrame } from '../theme.js';

export interface ResourceRowProps {
  readonly row: LiveRow;
  readonly now: number;
  readonly width: number;
  readonly color: boolean;
  readonly indent?: number;
}

const ACTION_COLOUR = { create: 'green', update: 'yellow', replace: 'red', delete: 'red', 'no-op': undefined } as const;

export function ResourceRow({ row, now, width, color, indent = 4 }: ResourceRowProps) {
  const action = row.action as Action;
  const glyph = (ACTION_GLYPH[action] ?? '•').padStart(3);
  const status = row.message ?? (row.status === 'refreshing' ? 'Refreshing...' : (ACTION_ING[action] ?? 'Working...'));
  const elapsed = elapsedText(now - row.startedAt);
  // glyph(3) + spaces + spinner(1) + elapsed; the address and status share what is left.
  const room = Math.max(10, width - indent - 3 - 1 - 2 - 1 - elapsed.length - 2);
  const address = fit(row.address, Math.max(8, Math.floor(room * 0.6)));
  const statusText = fit(status, Math.max(4, room - address.length - 1));
  return (
    <Box width={width} paddingLeft={indent}>
      <Text {...colourProps(color, ACTION_COLOUR[action])}>{glyph}</Text>
      <Text> </Text>
      <Text {...colourProps(color, 'cyan')}>{spinnerFrame(now)}</Text>
      <Text> {address} </Text>
      <Text {...dimProps(color)}>{statusText}</Text>
      <Box flexGrow={1} />
      <Text {...dimProps(color)}>{elapsed}</Text>
    </Box>
  );
}
