// The plan under review: the same coloured text `drctl plan` prints, in a scrollable window.
import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { dimProps } from '../theme.js';

export interface PlanViewProps {
  /** Plan text (may hold ANSI colour codes; lines are cut, never wrapped). */
  readonly text: string;
  readonly width: number;
  /** Rows for the text; the footer takes one more. */
  readonly height: number;
  readonly color: boolean;
  readonly footer?: string;
}

export function scrollBy(offset: number, delta: number, lines: number, height: number): number {
  return Math.max(0, Math.min(Math.max(0, lines - height), offset + delta));
}

export function PlanView({ text, width, height, color, footer }: PlanViewProps) {
  const lines = text.replace(/\n$/, '').split('\n');
  const [offset, setOffset] = useState(0);
  const page = Math.max(1, height - 1);
  useInput((input, key) => {
    let d = 0;
    if (key.downArrow || input === 'j') d = 1;
    else if (key.upArrow || input === 'k') d = -1;
    else if (key.pageDown || input === ' ') d = page;
    else if (key.pageUp) d = -page;
    else if (input === 'g') d = -lines.length;
    else if (input === 'G') d = lines.length;
    if (d) setOffset((o) => scrollBy(o, d, lines.length, height));
  });
  const shown = lines.slice(offset, offset + height);
  const last = Math.min(lines.length, offset + height);
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((l, i) => (
        <Text key={offset + i} wrap="truncate-end">
          {l || ' '}
        </Text>
      ))}
      <Text {...dimProps(color)} wrap="truncate-end">
        {`lines ${lines.length ? offset + 1 : 0}–${last} of ${lines.length} · ↑↓ PgUp PgDn scroll${footer ? ` · ${footer}` : ''}`}
      </Text>
    </Box>
  );
}
