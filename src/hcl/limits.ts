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
  maxSteps: 20_000_000,
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
  ) {
    super(`${summary}: ${detail}`);
    this.name = 'LimitExceeded';
    this.range = range;
  }
}

/**
 * The work left for one load (or one expression). A plain counter, so charging is one add and
 * one compare on the hot path. Once exceeded it stays exceeded: `exceeded` keeps the first
 * report, so later evaluations against it repeat that one diagnostic instead of adding more.
 */
export class EvalBudget {
  steps = 0;
  stringChars = 0;
  exceeded: LimitExceeded | undefined;
  constructor(readonly limits: EvalLimits = DEFAULT_LIMITS) {}

  /** Charges `n` units of work. */
  step(n = 1): void {
    if ((this.steps += n) > this.limits.maxSteps) this.outOfSteps();
  }

  /** Charges a string a template or function made, checking its length. */
  string(length: number): void {
    if (length > this.limits.maxStringLength) {
      throw new LimitExceeded(
        'String too long',
        `This would make a string of ${length.toLocaleString('en-US')} characters; the limit is ${this.limits.maxStringLength.toLocaleString('en-US')}.`,
      );
    }
    if ((this.stringChars += length) > this.limits.maxStringChars) {
      throw new LimitExceeded(
        'Evaluation made too much text',
        `The expressions made more than ${this.limits.maxStringChars.toLocaleString('en-US')} characters of strings in all. Make the strings or the loops that build them smaller.`,
      );
    }
  }

  /** Checks the length of a list or object a function is about to make, and charges it. */
  collection(length: number): void {
    if (length > this.limits.maxCollectionLength) {
      throw new LimitExceeded(
        'Collection too large',
        `This would make a collection of ${length.toLocaleString('en-US')} elements; the limit is ${this.limits.maxCollectionLength.toLocaleString('en-US')}.`,
      );
    }
    this.step(length);
  }

  private outOfSteps(): never {
    throw new LimitExceeded(
      'Evaluation too expensive',
      `Evaluating the configuration took more than ${this.limits.maxSteps.toLocaleString('en-US')} steps (expressions, loop iterations and elements made), the limit. Nested 'for' expressions or template loops over large collections multiply: make them smaller.`,
    );
  }
}
