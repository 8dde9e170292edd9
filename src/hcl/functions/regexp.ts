// Go (RE2) regular expressions and replacement templates, run on JavaScript's RegExp.

/** Translates a Go (RE2) pattern to a JS RegExp: named groups, leading flags, \A \z, POSIX classes. */
export function goRegExp(pattern: string, global: boolean): RegExp {
  let flags = global ? 'g' : '';
  let p = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead) {
    if (lead[1].includes('U')) throw new Error('the (?U) flag is not supported');
    flags += [...new Set(lead[1])].join('');
    p = p.slice(lead[0].length);
  }
  const posix: Record<string, string> = {
    alnum: '0-9A-Za-z',
    alpha: 'A-Za-z',
    ascii: '\\x00-\\x7F',
    blank: '\\t ',
    cntrl: '\\x00-\\x1F\\x7F',
    digit: '0-9',
    graph: '!-~',
    lower: 'a-z',
    print: ' -~',
    punct: '!-\\/:-@\\[-`{-~',
    space: '\\t\\n\\v\\f\\r ',
    upper: 'A-Z',
    word: '0-9A-Za-z_',
    xdigit: '0-9A-Fa-f',
  };
  p = p
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\w+):\]/g, (m, name: string) => posix[name] ?? m);
  try {
    return new RegExp(p, flags + 'u');
  } catch {
    return new RegExp(p, flags);
  }
}

/** Go's Regexp.Expand for a replacement template: $1, ${1}, $name, ${name}, $$. */
export function expandTemplate(
  template: string,
  captures: readonly (string | undefined)[],
  groups: Readonly<Record<string, string | undefined>> | undefined,
): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string | undefined;
    if (template[i] === '{') {
      const close = template.indexOf('}', i);
      const inner = close < 0 ? '' : template.slice(i + 1, close);
      if (close >= 0 && /^\w+$/.test(inner)) {
        name = inner;
        i = close + 1;
      }
    } else {
      const m = /^\w+/.exec(template.slice(i));
      if (m) {
        name = m[0];
        i += name.length;
      }
    }
    if (name === undefined) {
      out += '$';
      continue;
    }
    if (/^\d+$/.test(name)) out += captures[Number(name)] ?? '';
    else out += (groups && Object.hasOwn(groups, name) ? groups[name] : undefined) ?? '';
  }
  return out;
}
