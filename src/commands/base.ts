// What every drctl command shares: its oclif base class, and oclif's definitions of its
// flags and arguments, made from the data in flag-specs.ts.
import { Args, Command, Flags, type Interfaces } from '@oclif/core';
import type { ArgSpec, ArgSpecs, FlagSpec, FlagSpecs } from './flag-specs.js';
import { translateParseError } from './flag-errors.js';

/**
 * oclif's definition of a flag described in flag-specs.ts. A repeatable flag takes one value
 * per use, as in Terraform: oclif would otherwise read `-var a=1 plans/` as two variables.
 */
function oclifFlag(s: FlagSpec) {
  switch (s.kind) {
    case 'boolean':
      return Flags.boolean({ description: s.description, default: s.default, allowNo: s.allowNo, exclusive: s.exclusive ? [...s.exclusive] : undefined });
    case 'integer':
      return Flags.integer({ description: s.description, default: s.default, min: s.min, max: s.max });
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

/**
 * oclif's definition of one argument. Arguments ignore piped stdin unless their spec says
 * otherwise: oclif would read it into a missing argument.
 */
function oclifArgDefinition(a: ArgSpec) {
  return Args.string({ description: a.description, default: a.default, required: a.required, ignoreStdin: a.fromStdin !== true });
}

export function oclifArg(a: ArgSpec) {
  return { [a.name]: oclifArgDefinition(a) };
}

/** oclif argument definitions for specs, in their order. */
export function oclifArgs(specs: ArgSpecs) {
  const out: Record<string, ReturnType<typeof oclifArgDefinition>> = {};
  for (const a of specs) out[a.name] = oclifArgDefinition(a);
  return out;
}

// oclif's FlagOutput and ArgOutput, which its index does not export.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = { [name: string]: any };

/**
 * Every drctl command: its flags and arguments come from flag-specs.ts, its body from a *-run.ts
 * module. A flag or argument oclif refuses is reported in drctl's words (flag-errors.ts).
 */
export abstract class DrctlCommand extends Command {
  protected override async parse<F extends Output, B extends Output, A extends Output>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv);
    } catch (err) {
      const id = (this.id ?? this.ctor.id ?? '').replaceAll(':', ' ');
      throw translateParseError(err, id, Object.keys(options?.flags ?? this.ctor.flags ?? {}));
    }
  }
}
