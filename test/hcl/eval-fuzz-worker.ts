// The evaluation fuzz test's child process (bundled by the test with esbuild, run with a heap
// limit): evaluates cases [from, to) of a seed and writes one JSON line per case, so the parent
// sees exactly which case it was on if this process dies. Usage: node worker.mjs SEED FROM TO MAX_STEPS
import { parseHclExpression } from '../../src/hcl/parser.js';
import { evaluate } from '../../src/hcl/eval.js';
import { DEFAULT_LIMITS, EvalBudget } from '../../src/hcl/limits.js';
import { UNKNOWN, objectValue, sensitive, type Value } from '../../src/hcl/value.js';
import { fuzzCase } from './eval-fuzz-cases.js';

const [seed, from, to, maxSteps] = process.argv.slice(2).map(Number);

let deep: Value = 1;
for (let i = 0; i < 100; i++) deep = [deep];
const variables: Record<string, Value> = {
  var: objectValue([
    ['s', 'db01'],
    ['n', 3],
    ['l', ['a', 'b', 'c']],
    [
      'm',
      objectValue([
        ['a', 1],
        ['b', 'two'],
      ]),
    ],
    ['secret', sensitive('hunter2')],
    ['u', UNKNOWN],
  ]),
  local: objectValue([
    ['big', Array.from({ length: 1000 }, (_, i) => `item-${i}`)],
    ['deep', deep],
  ]),
};

const LIMIT_SUMMARIES = new Set([
  'Evaluation too expensive',
  'Evaluation made too much text',
  'String too long',
  'Collection too large',
  'Value too large',
  'Value too deeply nested',
]);

for (let id = from; id < to; id++) {
  const { src } = fuzzCase(seed, id);
  const started = performance.now();
  let outcome: string;
  try {
    const parsed = parseHclExpression(src, 'fuzz.hcl');
    if (parsed.diagnostics.length) outcome = 'parse-error';
    else {
      const r = evaluate(parsed.expr, { variables, budget: new EvalBudget({ ...DEFAULT_LIMITS, maxSteps }), now: () => 0 });
      outcome = r.diagnostics.some((d) => LIMIT_SUMMARIES.has(d.summary)) ? 'refused' : r.diagnostics.length ? 'error' : 'ok';
    }
  } catch (e) {
    // evaluate() and the parser never throw for user input: a throw is a bug.
    outcome = `threw: ${(e as Error).stack ?? String(e)}`;
  }
  // Written at once (stdout to a pipe is synchronous), so a crash loses no finished case.
  process.stdout.write(JSON.stringify({ id, ms: performance.now() - started, outcome }) + '\n');
}
