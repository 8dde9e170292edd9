// The order people read resource addresses in. A leaf, so plans, state diffs, the cost
// breakdown and the live view can all sort the same way.

const isDigit = (c: number) => c >= 48 && c <= 57;

/** The end of `[digits]` at `i` (the index just past `]`), or -1 when none starts there. */
function indexEnd(s: string, i: number): number {
  if (s.charCodeAt(i) !== 91 /* [ */) return -1;
  let e = i + 1;
  while (e < s.length && isDigit(s.charCodeAt(e))) e++;
  return e > i + 1 && s.charCodeAt(e) === 93 /* ] */ ? e + 1 : -1;
}

/**
 * The order people read addresses in (plans, state diffs, the live view): code units, except
 * that an instance index `[N]` compares as a number, so `vm.web[8]` comes before `vm.web[12]`
 * (and before any other text starting with `[`). The state file keeps state/types.ts's
 * compareAddresses, its documented order. Allocates nothing: a plan sorts thousands.
 */
export function compareAddressesForDisplay(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === 91 && cb === 91) {
      const ea = indexEnd(a, i);
      const eb = indexEnd(b, i);
      if (ea >= 0 && eb >= 0) {
        // Digit runs: the longer is the larger number (indices have no leading zeros), then digit by digit.
        if (ea !== eb) return ea - eb;
        for (let k = i + 1; k < ea; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return a.charCodeAt(k) - b.charCodeAt(k);
        i = ea;
        continue;
      }
      if (ea >= 0 || eb >= 0) return ea >= 0 ? -1 : 1;
    }
    if (ca !== cb) return ca - cb;
    i++;
  }
  return a.length - b.length;
}
