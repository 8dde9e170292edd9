// Fuzz test of evaluation: 10,000 generated expressions (eval-fuzz-cases.ts: nested `for`
// expressions and template loops over big ranges, every library function with random
// arguments, deep nesting, regular expressions that backtracking engines choke on) each parse
// and evaluate to a value, a diagnostic or a refusal by the limits, within a per-case time
// budget, and never crash. They run in child processes with a 512 MB heap, so a heap crash or a
// hang is caught and fails this test instead of taking vitest down; a watchdog kills a child
// that goes quiet. The cases run with a step budget of 100,000 (a hundredth of the default) so
// refusals come fast; the default budget is exercised in limits.test.ts and the security tests.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { fuzzCase } from './eval-fuzz-cases.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SEED = 20261205;
const CASES = 10_000;
const CHILDREN = 2;
const MAX_STEPS = 100_000;
/** Per case: generous for a busy 2-core machine; cases refused by the budget take milliseconds. */
const PER_CASE_MS = 5_000;
/** A child that reports nothing for this long is taken to hang. */
const QUIET_MS = 20_000;

interface Result {
  readonly id: number;
  readonly ms: number;
  readonly outcome: string;
}

interface ChildRun {
  readonly results: Result[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly hung: boolean;
  readonly stderr: string;
}

/** The worker, bundled inside node_modules so it resolves re2js and yaml as the CLI does. */
async function bundleWorker(): Promise<string> {
  const out = path.join(ROOT, 'node_modules/.cache/drctl-eval-fuzz/worker.mjs');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, 'test/hcl/eval-fuzz-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'warning',
  });
  return out;
}

function runChild(worker: string, from: number, to: number): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=512', worker, String(SEED), String(from), String(to), String(MAX_STEPS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const results: Result[] = [];
    let pending = '';
    let stderr = '';
    let hung = false;
    let watchdog = setTimeout(() => kill(), QUIET_MS);
    const kill = () => {
      hung = true;
      child.kill('SIGKILL');
    };
    child.stdout.on('data', (b: Buffer) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => kill(), QUIET_MS);
      pending += b.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (l) results.push(JSON.parse(l) as Result);
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ results, code, signal, hung, stderr });
    });
  });
}

describe('evaluation fuzz', () => {
  it(`evaluates ${CASES.toLocaleString('en-US')} generated expressions, each finished or refused in time, none crashing`, async () => {
    const worker = await bundleWorker();
    const per = Math.ceil(CASES / CHILDREN);
    const runs = await Promise.all(Array.from({ length: CHILDREN }, (_, k) => runChild(worker, k * per, Math.min(CASES, (k + 1) * per))));

    for (const [k, run] of runs.entries()) {
      // A crash or hang names the case it was on: the one after the last it reported.
      const last = run.results.length ? run.results[run.results.length - 1].id : k * per - 1;
      const culprit = fuzzCase(SEED, last + 1);
      const why = `child ${k} ${run.hung ? 'hung' : `exited ${run.code ?? run.signal}`} on case ${culprit.id}: ${culprit.src.slice(0, 500)}\n${run.stderr.slice(-2000)}`;
      expect(run.hung, why).toBe(false);
      expect(run.code, why).toBe(0);
    }
    const results = runs.flatMap((r) => r.results);
    expect(results.map((r) => r.id)).toEqual(Array.from({ length: CASES }, (_, i) => i));

    const threw = results.filter((r) => r.outcome.startsWith('threw'));
    expect(threw.map((r) => `case ${r.id}: ${fuzzCase(SEED, r.id).src.slice(0, 300)}\n${r.outcome.slice(0, 600)}`)).toEqual([]);

    const counts: Record<string, number> = {};
    for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    const slowest = results.reduce((a, b) => (b.ms > a.ms ? b : a));
    const total = results.reduce((s, r) => s + r.ms, 0);
    console.log(
      `evaluation fuzz: ${CASES} cases (seed ${SEED}, ${MAX_STEPS.toLocaleString('en-US')}-step budget): ${JSON.stringify(counts)}; ` +
        `${(total / 1000).toFixed(1)} s of evaluation; slowest case ${slowest.id} (${slowest.outcome}) took ${slowest.ms.toFixed(1)} ms:\n` +
        fuzzCase(SEED, slowest.id).src,
    );
    // Every kind of outcome occurs, so the generator reaches the limits as well as plain values.
    for (const kind of ['ok', 'error', 'refused', 'parse-error']) expect(counts[kind] ?? 0, kind).toBeGreaterThan(50);
    const late = results.filter((r) => r.ms > PER_CASE_MS);
    expect(late.map((r) => `case ${r.id} took ${r.ms.toFixed(0)} ms: ${fuzzCase(SEED, r.id).src.slice(0, 300)}`)).toEqual([]);
  }, 180_000);
});
