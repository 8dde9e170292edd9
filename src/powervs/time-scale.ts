// The simulator's time scale (real seconds per model second) in the one spelling drctl reads
// and prints: a fraction such as 1/600 (a 5-minute boot takes 0.5 s), a decimal, or 0 for
// instant. DRCTL_SIM_TIME_SCALE and `drctl sim serve --time-scale` both take it.

/** `text` as real seconds per model second; undefined unless it is 0, a positive decimal or a fraction of positive numbers. */
export function parseTimeScale(text: string): number | undefined {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?)(?:\s*\/\s*(\d+(?:\.\d+)?))?$/.exec(t);
  if (!m) return undefined;
  const n = Number(m[1]);
  const d = m[2] === undefined ? 1 : Number(m[2]);
  if (d === 0) return undefined;
  const v = n / d;
  return Number.isFinite(v) ? v : undefined;
}

/** A time scale as people write it: 1/600 for a whole reciprocal, else the decimal; 0 is "0". */
export function formatTimeScale(scale: number): string {
  if (scale === 0) return '0';
  if (scale < 1) {
    const inverse = 1 / scale;
    const whole = Math.round(inverse);
    if (Math.abs(inverse - whole) < 1e-9 * whole) return `1/${whole}`;
  }
  return String(scale);
}
