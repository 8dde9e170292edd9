// oclif's parse errors in drctl's words: a user error in the diagnostics' frame, with the flag
// spelled as Terraform does (-name), a did-you-mean for a mistyped flag, and where to look.
// Without this, oclif's own text shows through ("Parsing --parallelism \n\tExpected an integer").
import { suggestName, UserError } from '../diag/index.js';

interface ParseErrorLike {
  readonly message?: string;
  readonly oclif?: unknown;
  readonly flags?: readonly string[];
  readonly args?: readonly unknown[];
}

const flag = (name: string) => `-${name.replace(/^-+/, '')}`;

/**
 * `err` (thrown by oclif's parser for command `command`, e.g. "plan" or "state list") as a
 * UserError; anything that is not a parse error is returned as it is.
 */
export function translateParseError(err: unknown, command: string, flagNames: readonly string[]): unknown {
  const e = (err ?? {}) as ParseErrorLike;
  if (typeof e.message !== 'string' || e.oclif === undefined) return err;
  const help = `See "drctl ${command} -help" for what it takes.`;
  const message = e.message.replace(/\nSee more help with --help\s*$/, '');

  if (Array.isArray(e.flags) && /^Nonexistent flag/.test(message)) {
    const given = e.flags.map((f) => f.replace(/=.*$/, ''));
    const hints = given.map((g) => {
      const s = suggestName(g.replace(/^-+/, '').replace(/^no-/, ''), flagNames);
      return s === undefined ? undefined : `Did you mean ${flag(s)} (for ${flag(g)})?`;
    });
    return new UserError(`drctl ${command} has no flag ${given.map(flag).join(', ')}.`, [...hints.filter((h): h is string => h !== undefined), help]);
  }
  let m = /^Parsing --([\w-]+)\s*\n\t(.*)$/s.exec(message);
  if (m) {
    const [, name, why] = m;
    const value = /received: (.*)$/.exec(why)?.[1];
    const bound = /(greater|less) than or equal to (-?\d+)/.exec(why);
    const expected = bound
      ? `a whole number ${bound[1] === 'greater' ? 'of at least' : 'of at most'} ${bound[2]}`
      : /integer/.test(why)
        ? 'a whole number'
        : why;
    return new UserError(`Invalid value for ${flag(name)}${value === undefined ? '' : `: "${value}"`}.`, [`${flag(name)} takes ${expected}.`, help]);
  }
  m = /^Expected --([\w-]+)=(.*) to be one of: (.*)$/s.exec(message);
  if (m) return new UserError(`Invalid value for ${flag(m[1])}: "${m[2]}".`, [`${flag(m[1])} takes one of: ${m[3]}.`, help]);
  m = /^Flag --([\w-]+) expects a value$/.exec(message);
  if (m) return new UserError(`${flag(m[1])} needs a value.`, [`Write ${flag(m[1])} VALUE or ${flag(m[1])}=VALUE.`, help]);
  m = /^Unexpected arguments?: (.*)$/s.exec(message);
  if (m) return new UserError(`Unexpected argument${/,/.test(m[1]) ? 's' : ''} for drctl ${command}: ${m[1]}.`, [help]);
  m = /^Missing (\d+) required args?:\n(.*)$/s.exec(message);
  if (m) {
    const names = m[2]
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[0])
      .filter((n) => n && n !== 'Note:');
    return new UserError(`drctl ${command} needs ${names.length === 1 ? 'an argument' : 'arguments'}: ${names.map((n) => n.toUpperCase()).join(' ')}.`, [help]);
  }
  const conflicts = [...message.matchAll(/--([\w-]+)(?:=\S+)? cannot also be provided when using --([\w-]+)/g)];
  if (conflicts.length) {
    const [, a, b] = conflicts[0];
    return new UserError(`${flag(a)} and ${flag(b)} cannot be given together.`, [help]);
  }
  return new UserError(message.replace(/\s*\n\t/g, ': '), [help]);
}
