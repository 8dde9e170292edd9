// The latest events: warnings, failures, state writes, notes from the run.
import { Box, Text } from 'ink';
import type { EventLine } from '../../progress/model.js';
import { colourProps, dimProps, fit } from '../theme.js';

export interface EventsPaneProps {
  readonly events: readonly EventLine[];
  /** How many of the latest to show. */
  readonly rows: number;
  readonly width: number;
  readonly color: boolean;
}

const LEVEL_COLOUR = { info: undefined, warn: 'yellow', error: 'red' } as const;
const LEVEL_MARK = { info: ' ', warn: '!', error: '✗' } as const;

export function EventsPane({ events, rows, width, color }: EventsPaneProps) {
  if (rows <= 0 || events.length === 0) return null;
  const shown = events.slice(-rows);
  return (
    <Box flexDirection="column" width={width}>
      <Text {...dimProps(color)}>{fit('─ events ' + '─'.repeat(Math.max(0, width - 9)), width)}</Text>
      {shown.map((e) => (
        <Text key={e.key} {...colourProps(color, LEVEL_COLOUR[e.level])}>
          {fit(`${LEVEL_MARK[e.level]} ${e.text}`, width)}
        </Text>
      ))}
    </Box>
  );
}
