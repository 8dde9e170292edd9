// A finished line, written once above the live area (inside <Static>) and never redrawn.
import { Box, Text } from 'ink';
// Direct, not the plan facade (which brings its engine): views load only what they draw with, and
// the live view's worker starts from them (a measured start-up, bench/tui.bench.mjs).
import { ACTION_DONE, ACTION_GLYPH, type Action } from '../../../plan/actions.js';
import type { FinishedLine } from '../../progress/model.js';
import { colourProps, dimProps, elapsedText, fit } from '../theme.js';

export interface FinishedLineProps {
  readonly line: FinishedLine;
  readonly width: number;
  readonly color: boolean;
}

const MARK = { done: '✓', failed: '✗', skipped: '↷', info: '•', warn: '!' } as const;
const MARK_COLOUR = { done: 'green', failed: 'red', skipped: 'yellow', info: 'cyan', warn: 'yellow' } as const;

/** The line's text without colour: what a person reads, whatever the terminal. */
export function finishedLineText(line: FinishedLine): string {
  const after = line.elapsedMs === undefined ? '' : ` (${elapsedText(line.elapsedMs)})`;
  const where = line.site ? `${line.site} › ${line.group}` : line.group;
  if (line.kind === 'group') return `${where}: ${line.text}${after}`;
  if (line.kind === 'note') return line.text;
  const glyph = ACTION_GLYPH[line.action as Action]?.trim() || '•';
  const what = line.status === 'done' ? (ACTION_DONE[line.action as Action] ?? 'Done') : line.status === 'failed' ? 'Failed' : 'Skipped';
  return `${glyph} ${line.address}: ${what}${after}${line.text ? `: ${line.text}` : ''}`;
}

export function FinishedLineView({ line, width, color }: FinishedLineProps) {
  const text = fit(finishedLineText(line), Math.max(10, width - 2));
  return (
    <Box width={width}>
      <Text {...colourProps(color, MARK_COLOUR[line.status])}>{MARK[line.status]} </Text>
      <Text {...(line.status === 'done' ? dimProps(color) : {})}>{text}</Text>
    </Box>
  );
}
