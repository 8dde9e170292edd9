// The bottom line: what the keys do on this screen.
import { Text } from 'ink';
import { dimProps, fit } from '../theme.js';

export interface KeyBarProps {
  readonly keys: readonly (readonly [string, string])[];
  readonly width: number;
  readonly color: boolean;
}

export function KeyBar({ keys, width, color }: KeyBarProps) {
  return <Text {...dimProps(color)}>{fit(keys.map(([k, w]) => `${k} ${w}`).join('  '), width)}</Text>;
}
