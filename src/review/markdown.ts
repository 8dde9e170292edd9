// The pieces of a pull-request comment: escaping for text, code, table cells and HTML,
// fenced blocks that survive any content, collapsible <details>, and the size budget GitHub
// puts on a comment (details dropped, most numerous kinds first, and the drop said plainly).

/** GitHub refuses comments over 65,536 characters; this leaves room for a bot's own wrapper. */
export const GITHUB_COMMENT_LIMIT = 65_000;

const WORD = /[\p{L}\p{N}]/u;

/**
 * Text that reads as itself, on one line: what could start emphasis, code, HTML, a link, an
 * image, a table cell or strikethrough is escaped; an underscore inside a word (`volume_group`)
 * and brackets (`vm.app[0]`) are left as they are, since GitHub reads them literally.
 */
export function mdText(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ');
  let out = '';
  for (let i = 0; i < flat.length; i++) {
    const c = flat[i];
    const prev = flat[i - 1] ?? '';
    const next = flat[i + 1] ?? '';
    if (c === '\\' || c === '`' || c === '*' || c === '<' || c === '>' || c === '|' || c === '~' || c === '&') out += `\\${c}`;
    else if (c === '_' && !(WORD.test(prev) && WORD.test(next))) out += '\\_';
    else if (c === '#' && i === 0) out += '\\#';
    else if ((c === '!' && next === '[') || (c === ']' && next === '(')) out += `\\${c}`;
    else if (c === '[' && i === 0) out += '\\[';
    else out += c;
  }
  return out;
}

/** An inline code span that holds any text (backticks included). */
export function mdCode(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ');
  let longest = 0;
  for (const m of flat.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A table cell: pipes escaped (GitHub splits cells on them even inside code spans). */
export function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function htmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A fenced block whose fence is longer than any backtick run inside, so no content can close it early. */
export function fencedBlock(lines: readonly string[], lang = ''): string {
  let longest = 2;
  for (const l of lines) for (const m of l.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${lines.join('\n')}\n${fence}`;
}

/** A collapsible section; `summaryHtml` is HTML (escape text with htmlText). */
export function details(summaryHtml: string, body: string): string {
  return `<details><summary>${summaryHtml}</summary>\n\n${body}\n\n</details>`;
}

/** A table from a header and rows of cells (already escaped); `align` "r" right-aligns a column. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (align[i] === 'r' ? '--:' : '---'))), ...rows.map(line)].join('\n');
}

/** One collapsible detail, tagged with its kind (a resource type) so a whole kind can be dropped. */
export interface Detail {
  readonly kind: string;
  readonly text: string;
}

export interface Omitted {
  readonly kind: string;
  readonly count: number;
}

export interface CommentParts {
  /** Everything before the details. */
  readonly head: string;
  /** A shorter head (long lists cut), used only when the full one leaves no room. */
  readonly compactHead?: () => string;
  /** Heading of the details section (shown when any detail is kept). */
  readonly detailsHeading: string;
  /** In display order. */
  readonly details: readonly Detail[];
  /** What says which details were left out and how to see them; empty list: never called. */
  readonly omittedNote: (omitted: readonly Omitted[]) => string;
  readonly footer: string;
}

export interface FittedComment {
  readonly text: string;
  /** Kinds whose details were left out, in the order they were dropped. */
  readonly omitted: readonly Omitted[];
  /** The head had to be shortened, or cut. */
  readonly compacted: boolean;
}

const SEP = '\n\n';

/**
 * Assembles a comment within `limit` characters: everything if it fits; otherwise the details of
 * the most numerous kind are dropped first (then the next), with a note that names them; then the
 * compact head; and as a last resort the head is cut at a line with a note saying so.
 */
export function fitComment(parts: CommentParts, limit = GITHUB_COMMENT_LIMIT): FittedComment {
  const counts = new Map<string, { count: number; length: number }>();
  for (const d of parts.details) {
    const c = counts.get(d.kind) ?? { count: 0, length: 0 };
    c.count++;
    c.length += d.text.length + SEP.length;
    counts.set(d.kind, c);
  }
  const dropped = new Set<string>();
  const omitted: Omitted[] = [];
  const build = (head: string): string => {
    const kept = parts.details.filter((d) => !dropped.has(d.kind)).map((d) => d.text);
    const sections = [head];
    if (kept.length) sections.push(parts.detailsHeading, ...kept);
    if (omitted.length) sections.push(parts.omittedNote(omitted));
    sections.push(parts.footer);
    return sections.filter((s) => s !== '').join(SEP) + '\n';
  };
  const estimate = (head: string): number => {
    let n = head.length + parts.footer.length + 3 * SEP.length + 1;
    let any = false;
    for (const [kind, c] of counts) {
      if (dropped.has(kind)) continue;
      n += c.length;
      any = true;
    }
    if (any) n += parts.detailsHeading.length + SEP.length;
    if (omitted.length) n += parts.omittedNote(omitted).length;
    return n;
  };
  // Most numerous first; of equals, the longer first, then by name (deterministic).
  const order = [...counts.entries()].sort((a, b) => b[1].count - a[1].count || b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // A head that cannot fit even alone is shortened first, so it does not cost every detail.
  let head = parts.head;
  let compacted = false;
  const noteForAll = order.length ? parts.omittedNote(order.map(([kind, c]) => ({ kind, count: c.count }))).length : 0;
  if (parts.compactHead && head.length + parts.footer.length + noteForAll + 3 * SEP.length + 1 > limit) {
    head = parts.compactHead();
    compacted = true;
  }
  for (const [kind, c] of order) {
    if (estimate(head) <= limit) break;
    dropped.add(kind);
    omitted.push({ kind, count: c.count });
  }
  // One long detail (a recovery plan of thousands of VMs) may have cost smaller kinds their
  // place: give back, fewest first, every dropped kind that still fits.
  for (let i = omitted.length - 1; i >= 0 && estimate(head) <= limit; i--) {
    const o = omitted[i];
    dropped.delete(o.kind);
    omitted.splice(i, 1);
    if (estimate(head) > limit) {
      dropped.add(o.kind);
      omitted.splice(i, 0, o);
    }
  }
  let text = build(head);
  if (text.length > limit) {
    // Nothing left to drop: cut the head at a line, and say so.
    compacted = true;
    const cutNote = "> [!NOTE]\n> The rest of this comment was cut to stay within GitHub's comment size limit.";
    const room = limit - (text.length - head.length) - cutNote.length - SEP.length - 1;
    const cut = head.lastIndexOf('\n', Math.max(0, room));
    head = `${head.slice(0, Math.max(0, cut))}${SEP}${cutNote}`;
    text = build(head);
    if (text.length > limit) text = text.slice(0, limit - 2) + '…\n';
  }
  return { text, omitted, compacted };
}
