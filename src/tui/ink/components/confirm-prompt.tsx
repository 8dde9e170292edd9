// A typed confirmation, as destructive cloud consoles ask: nothing happens unless the operator
// types the expected word (a site name, or "yes") and presses Enter. Esc cancels.
import { useRef, useState } from 'react';
import { Box, Text, useInput, type Key } from 'ink';
import { colourProps, dimProps } from '../theme.js';

export interface ConfirmPromptProps {
  readonly question: string;
  /** The exact text that confirms. */
  readonly expected: string;
  readonly color: boolean;
  readonly onConfirm: () => void;
  /** Called with what was typed when it was wrong, or undefined on Esc. */
  readonly onRefuse: (typed: string | undefined) => void;
  /** Where a screen that owns the keyboard routes keys to this prompt (instead of its own subscription). */
  readonly keyRoute?: { current: ((input: string, key: Key) => void) | undefined };
}

export function ConfirmPrompt({ question, expected, color, onConfirm, onRefuse, keyRoute }: ConfirmPromptProps) {
  const [typed, setTyped] = useState('');
  // A ref as well as state: keys typed fast arrive in one chunk ("yes\r"), before a re-render.
  const current = useRef('');
  const set = (t: string) => {
    current.current = t;
    setTyped(t);
  };
  const onKey = (input: string, key: Key) => {
    if (key.escape) return onRefuse(undefined);
    if (key.return) return current.current === expected ? onConfirm() : onRefuse(current.current);
    if (key.backspace || key.delete) return set(current.current.slice(0, -1));
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
    for (const ch of input) {
      if (ch === '\r' || ch === '\n') return current.current === expected ? onConfirm() : onRefuse(current.current);
      if (ch === '\u007f' || ch === '\b') set(current.current.slice(0, -1));
      else if (ch >= ' ') set(current.current + ch);
    }
  };
  // The handler of the latest render, set as it renders: a key typed the moment the prompt
  // appears is not lost to a late subscription.
  const latest = useRef(onKey);
  latest.current = onKey;
  useInput((input, key) => latest.current(input, key), { isActive: !keyRoute });
  if (keyRoute) keyRoute.current = onKey;
  return (
    <Box flexDirection="column">
      <Text {...colourProps(color, 'yellow')}>{question}</Text>
      <Text {...dimProps(color)}>{`Type ${JSON.stringify(expected)} and press Enter to confirm; Esc cancels.`}</Text>
      <Text>
        {'> '}
        {typed}
        <Text inverse={color}>{color ? ' ' : '_'}</Text>
      </Text>
    </Box>
  );
}
