// What every drctl command shares: the terminal it writes to and the flags common to all.
import { Args, Command, Flags } from '@oclif/core';
import { processTerminal, type Terminal } from './terminal.js';
import { COMMON_FLAG_SPECS, VAR_FLAG_SPECS, type ArgSpec, type FlagSpec, type FlagSpecs } from './flag-specs.js';

export type { Terminal } from './terminal.js';

/**
 * oclif's definition of a flag described in flag-specs.ts. A repeatable flag takes one value
 * per use, as in Terraform: oclif would otherwise read `-var a=1 plans/` as two variables.
 */
function oclifFlag(s: FlagSpec) {
  switch (s.kind) {
    case 'boolean':
      return Flags.boolean({ description: s.description, default: s.default });
    case 'integer':
      return Flags.integer({ description: s.description, min: s.min });
    case 'string':
      return s.multiple
        ? Flags.string({ description: s.description, multiple: true, multipleNonGreedy: true })
        : Flags.string({ description: s.description, default: s.default, options: s.options ? [...s.options] : undefined });
  }
}

/**
 * oclif flag definitions for specs, keyed as given. Typed loosely: the command hands the parsed
 * flags on as flag-specs.ts's ParsedFlags, the type both start paths share.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function oclifFlags<T extends FlagSpecs>(specs: T): { [K in keyof T]: any } {
  const out: Record<string, ReturnType<typeof oclifFlag>> = {};
  for (const [name, s] of Object.entries(specs)) out[name] = oclifFlag(s);
  return out as { [K in keyof T]: ReturnType<typeof oclifFlag> };
}

export function oclifArg(a: ArgSpec) {
  return { [a.name]: Args.string({ description: a.description, default: a.default, ignoreStdin: true }) };
}

export const commonFlags = {
  'no-color': Flags.boolean({ description: COMMON_FLAG_SPECS['no-color'].description, default: false }),
};

export const varFlags = {
  var: Flags.string({ description: VAR_FLAG_SPECS.var.description, multiple: true, multipleNonGreedy: true }),
  'var-file': Flags.string({ description: VAR_FLAG_SPECS['var-file'].description, multiple: true, multipleNonGreedy: true }),
};

export abstract class DrctlCommand extends Command {
  protected terminal(noColor: boolean): Terminal {
    return processTerminal(noColor);
  }
}
