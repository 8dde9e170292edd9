// The bottom line: what the keys do on this screen, within the width (80 columns and less).
import { Text } from 'ink';
import { dimProps, fit } from '../theme.js';

export interface KeyBarProps {
  readonly keys: readonly (readonly [string, string])[];
  readonly width: number;
  readonly color: boolean;
}

/** "p plan  a apply"; where that is too wide, the tighter "p:plan a:apply"; cut only past that. */
export function keyBarText(keys: KeyBarProps['keys'], width: number): string {
  const roomy = keys.map(([k, w]) => `${k} ${w}`).join('  ');
  if (width <= 0 || roomy.length <= width) return roomy;
  return fit(keys.map(([k, w]) => `${k}:${w}`).join(' '), width);
}

export function KeyBar({ keys, width, color }: KeyBarProps) {
  return <Text {...dimProps(color)}>{keyBarText(keys, width)}</Text>;
}
