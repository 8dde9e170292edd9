// A typed confirmation, as destructive cloud consoles ask: nothing happens unless the operator
// types the expected word (a site name, or "yes") and presses Enter. Esc cancels.
import { useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { colourProps, dimProps } from '../theme.js';

export interface ConfirmPromptProps {
  readonly question: string;
  /** The exact text that confirms. */
  readonly expected: string;
  readonly color: boolean;
  readonly onConfirm: () => void;
  /** Called with what was typed when it was wrong, or undefined on Esc. */
  readonly onRefuse: (typed: string | undefined) => void;
}

export function ConfirmPrompt({ question, expected, color, onConfirm, onRefuse }: ConfirmPromptProps) {
  const [typed, setTyped] = useState('');
  useInput((input, key) => {
    if (key.escape) return onRefuse(undefined);
    if (key.return) return typed === expected ? onConfirm() : onRefuse(typed);
    if (key.backspace || key.delete) return setTyped((t) => t.slice(0, -1));
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
    if (input) setTyped((t) => t + input);
  });
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
