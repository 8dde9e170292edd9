// Limits on evaluation. Configuration comes from pull requests and variables from CI, so no
// expression may run for long or grow without bound: every unit of work (an expression visited,
// a loop iteration, an element or string a function makes, a value node a function walks) is
// charged to a budget, and running out is an error that try() and can() do not hide. The
// numbers are documented in docs/limits.md; a test there keeps them in step.
import type { Range } from '../diag/types.js';

export interface EvalLimits {
  /** Units of work for everything evaluated against one budget (a whole load shares one). */
  readonly maxSteps: number;
  /** Characters of string made by templates and functions, added up over the budget's life. */
  readonly maxStringChars: number;
  /** The longest one string may be. */
  readonly maxStringLength: number;
  /** Elements (or attributes) one list or object may have. */
  readonly maxCollectionLength: number;
  /** Nodes one value may have, counted as a tree (shared parts once per use). */
  readonly maxValueNodes: number;
  /** How deeply values may nest (a list in a list in …). */
  readonly maxValueDepth: number;
  /** The largest file file(), templatefile() and friends read. */
  readonly maxFileBytes: number;
}

export const DEFAULT_LIMITS: EvalLimits = Object.freeze({
  maxSteps: 10_000_000,
  maxStringChars: 64 * 1024 * 1024,
  maxStringLength: 16 * 1024 * 1024,
  maxCollectionLength: 1_000_000,
  maxValueNodes: 1_000_000,
  maxValueDepth: 256,
  maxFileBytes: 4 * 1024 * 1024,
});

/** A limit ran out. Thrown through the evaluator (past try and can) and reported with the range where it happened. */
export class LimitExceeded extends Error {
  range: Range | undefined;
  constructor(
    readonly summary: string,
    readonly detail: string,
    range?: Range,
    /** The budget itself ran out (not one value's size): later evaluations against it stop too. */
    readonly exhausts = false,
  ) {
    super(`${summary}: ${detail}`);
    this.name = 'LimitExceeded';
    this.range = range;
  }
}

const n = (x: number): string => x.toLocaleString('en-US');

/**
 * The work left for one load (or one expression). A plain counter, so charging is one add and
 * one compare on the hot path. Once exhausted it stays so: `exhausted` keeps the first report,
 * and later evaluations against the budget repeat that one diagnostic instead of adding more.
 */
export class EvalBudget {
  steps = 0;
  stringChars = 0;
  exhausted: LimitExceeded | undefined;
  /** Work done once per budget and reused (compiled regular expressions), by key. */
  readonly memo = new Map<string, unknown>();
  constructor(readonly limits: EvalLimits = DEFAULT_LIMITS) {}

  /** Charges `units` of work (at `range`, when the caller knows where). */
  step(units = 1, range?: Range): void {
    if ((this.steps += units) > this.limits.maxSteps) this.overrun(range);
  }

  /** Charges a string a template or function made, checking its length. */
  string(length: number): void {
    this.checkLength(length);
    if ((this.stringChars += length) > this.limits.maxStringChars) {
      throw new LimitExceeded(
        'Evaluation made too much text',
        `The expressions made more than ${n(this.limits.maxStringChars)} characters of strings in all, the limit. Make the strings, or the loops that build them, smaller.`,
        undefined,
        true,
      );
    }
  }

  /** Checks the length of a string being built (a template loop checks as it appends). */
  checkLength(length: number): void {
    if (length > this.limits.maxStringLength) {
      throw new LimitExceeded('String too long', `This makes a string of more than ${n(this.limits.maxStringLength)} characters, the limit.`);
    }
  }

  /** Checks the length of a list or object a function makes, and charges it. */
  collection(length: number): void {
    if (length > this.limits.maxCollectionLength) {
      throw new LimitExceeded('Collection too large', `This makes a collection of ${n(length)} elements; the limit is ${n(this.limits.maxCollectionLength)}.`);
    }
    this.step(length);
  }

  /** The step budget ran out (at `range` when the evaluator knows it). */
  overrun(range?: Range): never {
    throw new LimitExceeded(
      'Evaluation too expensive',
      `Evaluating the configuration took more than ${n(this.limits.maxSteps)} steps (expressions, loop iterations, elements made and walked), the limit. Nested 'for' expressions and template loops over large collections multiply: make them smaller.`,
      range,
      true,
    );
  }
}
