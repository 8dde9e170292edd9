// Text as Terraform sees it: user-perceived characters, and Go's rules for case and space.

/** Splits a string into user-perceived characters (grapheme clusters), as Terraform counts them. */
export function graphemes(s: string): string[] {
  // ASCII without CR (CR LF is one cluster) has one cluster per code unit.
  if (/^[\x00-\x0c\x0e-\x7f]*$/.test(s)) return s.split('');
  const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(seg.segment(s), (x) => x.segment);
}

/** Maps each code point alone, as Go's strings.ToUpper/ToLower do (so "ß" stays one letter). */
export function mapRunes(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

/** Go's strings.Title: upper-case the first letter of every word. */
export function title(s: string): string {
  let out = '';
  let prevSep = true;
  for (const c of s) {
    out += prevSep ? mapRunes(c, (x) => x.toUpperCase()) : c;
    const code = c.codePointAt(0) as number;
    if (code < 0x80) prevSep = !/[A-Za-z0-9_]/.test(c);
    else if (/[\p{L}\p{N}]/u.test(c)) prevSep = false;
    else prevSep = /\s/u.test(c);
  }
  return out;
}

// Go's unicode.IsSpace set (JS's \s also has U+FEFF, and lacks U+0085).
const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
export const TRIM_SPACE = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'g');
