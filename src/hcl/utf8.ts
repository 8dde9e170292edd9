// Bytes to text for the parser: invalid UTF-8 is reported with its byte range, and each bad byte
// reads as U+FFFD (a map keeps the original byte offsets for positions).
import type { Diagnostic, Pos } from '../diag/types.js';

export interface Decoded {
  readonly text: string;
  readonly replaced: Map<number, number>;
  readonly diagnostics: Diagnostic[];
}

/** Decode UTF-8, replacing each invalid byte by U+FFFD and reporting each run of them. */
export function decodeUtf8(bytes: Uint8Array, filename: string): Decoded {
  const replaced = new Map<number, number>();
  const diagnostics: Diagnostic[] = [];
  const n = bytes.length;
  // Fast path: valid input decodes in one call.
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    return { text, replaced, diagnostics };
  } catch {
    // fall through to the careful decoder
  }
  const dec = new TextDecoder('utf-8', { ignoreBOM: true });
  let text = '';
  let line = 1;
  let column = 1;
  let i = 0;
  let validStart = 0;
  let badStart = -1;
  let badPos: Pos | undefined;
  const flushValid = (to: number): void => {
    if (to > validStart) text += dec.decode(bytes.subarray(validStart, to));
  };
  const endBad = (at: number): void => {
    if (badStart < 0 || badPos === undefined) return;
    diagnostics.push({
      severity: 'error',
      summary: 'Invalid UTF-8',
      detail: `The file contains ${at - badStart === 1 ? 'a byte' : `${at - badStart} bytes`} that are not valid UTF-8 here. Configuration files must be UTF-8 text; re-save the file as UTF-8.`,
      subject: { filename, start: badPos, end: { line, column, byte: at } },
    });
    badStart = -1;
    badPos = undefined;
  };
  while (i < n) {
    const b = bytes[i];
    const len = utf8SequenceLength(bytes, i);
    if (len > 0) {
      if (badStart >= 0) {
        endBad(i);
        validStart = i;
      }
      if (b === 0x0a) {
        line++;
        column = 1;
      } else {
        column++; // one code point
      }
      i += len;
      continue;
    }
    // An invalid byte.
    if (badStart < 0) {
      flushValid(i);
      badStart = i;
      badPos = { line, column, byte: i };
    }
    replaced.set(text.length, 1);
    text += '\uFFFD';
    column++;
    i++;
    validStart = i;
  }
  endBad(n);
  flushValid(n);
  return { text, replaced, diagnostics };
}

/** Length of the valid UTF-8 sequence starting at i, or 0 if the byte there starts none. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number): boolean => k < b.length && (b[k] & 0xc0) === 0x80;
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    const c1 = b[i + 1];
    if (c === 0xe0 && c1 < 0xa0) return 0; // overlong
    if (c === 0xed && c1 >= 0xa0) return 0; // surrogates
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    const c1 = b[i + 1];
    if (c === 0xf0 && c1 < 0x90) return 0;
    if (c === 0xf4 && c1 >= 0x90) return 0;
    return 4;
  }
  return 0;
}
