// Colours by meaning, in one place. With colour off every helper returns no props, so NO_COLOR
// and --no-color give plain text and the layout does not change.
import type { Tone } from '../progress/model.js';

type Colour = 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'blue' | 'magenta';

const TONE: Readonly<Record<Tone, Colour>> = { ok: 'green', busy: 'cyan', warn: 'yellow', bad: 'red', idle: 'gray' };

export function toneProps(color: boolean, tone: Tone): { color?: Colour } {
  return color ? { color: TONE[tone] } : {};
}

export function colourProps(color: boolean, c: Colour | undefined): { color?: Colour } {
  return color && c ? { color: c } : {};
}

export function dimProps(color: boolean): { dimColor?: boolean } {
  return color ? { dimColor: true } : {};
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner frame for a moment: a pure function of time, so frames are testable. */
export function spinnerFrame(nowMs: number): string {
  return SPINNER[Math.floor(nowMs / 80) % SPINNER.length];
}

export function elapsedText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
}

/** Cuts a plain string to `width` columns with an ellipsis. */
export function fit(text: string, width: number): string {
  if (width <= 0 || text.length <= width) return text;
  return text.slice(0, Math.max(1, width - 1)) + '…';
}
