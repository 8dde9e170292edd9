// A pager, as less is: the plan under review (the same coloured text `drctl plan` prints) and
// the events log. Lines scroll with j/k and the arrows, by page with space and PgUp/PgDn, to the
// ends with g and G; long lines pan sideways with ←/→ (or wrap, for the events); / searches,
// n and N go to the next and previous match.
import { useRef, useState } from 'react';
import { Box, Text, useInput, type Key } from 'ink';
import { dimProps } from '../theme.js';

export interface PlanViewProps {
  /** Text (may hold ANSI colour codes). */
  readonly text: string;
  readonly width: number;
  /** Rows for the text; the status line takes one more. */
  readonly height: number;
  readonly color: boolean;
  /** What the screen adds to the status line (its own keys are in the key bar). */
  readonly footer?: string;
  /** Wrap long lines at the width instead of panning sideways. */
  readonly wrap?: boolean;
  /** Told when the pager takes every key (typing a search) and when it gives them back. */
  readonly onCapture?: (capturing: boolean) => void;
  /** Open at the top (a plan) or at the end (a log, newest last). */
  readonly start?: 'top' | 'end';
  /** Where a screen that owns the keyboard routes keys to this pager (instead of its own subscription). */
  readonly keyRoute?: { current: ((input: string, key: Key) => void) | undefined };
}

export function scrollBy(offset: number, delta: number, lines: number, height: number): number {
  return Math.max(0, Math.min(Math.max(0, lines - height), offset + delta));
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** `line` from visible column `start`, colour codes kept (a code before the cut still colours what follows). */
export function sliceVisible(line: string, start: number): string {
  if (start <= 0) return line;
  let out = '';
  let col = 0;
  let coloured = false;
  for (let i = 0; i < line.length; ) {
    if (line[i] === '\u001b') {
      const m = /^\u001b\[[0-9;]*m/.exec(line.slice(i));
      if (m) {
        out += m[0];
        coloured = true;
        i += m[0].length;
        continue;
      }
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    if (col >= start) out += ch;
    col++;
    i += ch.length;
  }
  return coloured ? out + '\u001b[0m' : out;
}

/** Lines cut to `width` columns, at spaces where they can be; continuation lines start indented (text without colour codes). */
export function wrapLines(lines: readonly string[], width: number): string[] {
  if (width <= 4) return [...lines];
  const out: string[] = [];
  for (const line of lines) {
    let rest = line;
    let prefix = '';
    for (;;) {
      const room = width - prefix.length;
      if (rest.length <= room) {
        out.push(prefix + rest);
        break;
      }
      const space = rest.lastIndexOf(' ', room);
      const cut = space > room / 3 ? space : room;
      out.push(prefix + rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^ /, '');
      prefix = '  ';
    }
  }
  return out;
}

/** The indexes of lines containing `query` (case-insensitive, colour codes ignored). */
export function matchingLines(lines: readonly string[], query: string): number[] {
  if (!query) return [];
  const q = query.toLowerCase();
  const out: number[] = [];
  lines.forEach((l, i) => {
    if (stripAnsi(l).toLowerCase().includes(q)) out.push(i);
  });
  return out;
}

const PAN = 8;

export function PlanView({ text, width, height, color, footer, wrap = false, onCapture, start = 'top', keyRoute }: PlanViewProps) {
  const raw = text.replace(/\n$/, '').split('\n');
  const lines = wrap ? wrapLines(raw.map(stripAnsi), Math.max(10, width)) : raw;
  // Infinity follows the end as lines arrive (a log opened at its end, or after G).
  const [wanted, setOffset] = useState(() => (start === 'end' ? Infinity : 0));
  // Text that shrinks (wrap turned off, a shorter plan) never leaves the window past its end.
  const offset = scrollBy(0, wanted, lines.length, height);
  const [column, setColumn] = useState(0);
  // Typed search text (while typing, every key is the pager's), and the committed query.
  const [typing, setTyping] = useState<string | undefined>(undefined);
  const typed = useRef<string | undefined>(undefined);
  const [query, setQuery] = useState('');
  const page = Math.max(1, height - 1);
  const matches = matchingLines(lines, query);
  const setTyped = (t: string | undefined) => {
    if ((typed.current === undefined) !== (t === undefined)) onCapture?.(t !== undefined);
    typed.current = t;
    setTyping(t);
  };
  const goto = (line: number) => setOffset(scrollBy(0, line, lines.length, height));
  const next = (from: number, dir: 1 | -1, list: readonly number[]) => {
    if (!list.length) return;
    const found = dir === 1 ? (list.find((i) => i > from) ?? list[0]) : ([...list].reverse().find((i) => i < from) ?? list[list.length - 1]);
    goto(found);
  };
  const commit = () => {
    const q = typed.current ?? '';
    setTyped(undefined);
    setQuery(q);
    next(offset - 1, 1, matchingLines(lines, q));
  };
  /** Keys while a search is typed: text, backspace, Enter to search, Esc to give up. */
  const typeKeys = (input: string, key: { escape?: boolean; return?: boolean; backspace?: boolean; delete?: boolean }) => {
    if (key.escape) return setTyped(undefined);
    if (key.return) return commit();
    if (key.backspace || key.delete) return setTyped((typed.current ?? '').slice(0, -1));
    let t = typed.current ?? '';
    for (const ch of input) {
      if (ch === '\r' || ch === '\n') {
        typed.current = t;
        return commit();
      }
      if (ch === '\u007f' || ch === '\b') t = t.slice(0, -1);
      else if (ch >= ' ') t += ch;
    }
    setTyped(t);
  };
  const onKey = (input: string, key: Key) => {
    if (typed.current !== undefined) {
      // Ink marks a lone Esc as meta too: it ends the search before other modified keys are dropped.
      if (key.escape) return setTyped(undefined);
      if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
      return typeKeys(input, key);
    }
    if (input.startsWith('/')) {
      setTyped('');
      return typeKeys(input.slice(1), {});
    }
    let d = 0;
    if (key.downArrow || input === 'j') d = 1;
    else if (key.upArrow || input === 'k') d = -1;
    else if (key.pageDown || input === ' ') d = page;
    else if (key.pageUp) d = -page;
    else if (input === 'g') d = -lines.length;
    else if (input === 'G') return setOffset(Infinity);
    else if (input === 'n') return next(offset, 1, matches);
    else if (input === 'N') return next(offset, -1, matches);
    else if (!wrap && (key.rightArrow || input === 'l')) return setColumn((c) => c + PAN);
    else if (!wrap && (key.leftArrow || input === 'h')) return setColumn((c) => Math.max(0, c - PAN));
    if (d) setOffset((o) => scrollBy(scrollBy(0, o, lines.length, height), d, lines.length, height));
  };
  // The handler of the latest render, set as it renders: a key pressed right after a frame (before
  // the subscription is renewed) acts on what is on screen, and the moment the pager appears too.
  const latest = useRef(onKey);
  latest.current = onKey;
  useInput((input, key) => latest.current(input, key), { isActive: !keyRoute });
  if (keyRoute) keyRoute.current = onKey;
  const shown = lines.slice(offset, offset + height);
  const last = Math.min(lines.length, offset + height);
  const at = matches.findIndex((i) => i >= offset && i < last);
  const status =
    typing !== undefined
      ? `/${typing}`
      : [
          `lines ${lines.length ? offset + 1 : 0}–${last} of ${lines.length}`,
          query ? (matches.length ? `"${query}": match ${at < 0 ? '–' : at + 1} of ${matches.length} (n/N)` : `"${query}": no match`) : '',
          column ? `from column ${column + 1}` : '',
          footer ?? '',
        ]
          .filter(Boolean)
          .join(' · ');
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((l, i) => (
        <Text key={offset + i} wrap="truncate-end">
          {(column ? sliceVisible(l, column) : l) || ' '}
        </Text>
      ))}
      <Text {...(typing === undefined ? dimProps(color) : {})} wrap="truncate-end">
        {status}
      </Text>
    </Box>
  );
}
