// The layering of src/ is a check that fails the build: these tests run the same rules
// (.dependency-cruiser.cjs) over the real tree, and over small trees with an injected forbidden
// import, to prove the check bites.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const rules = require(path.join(root, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };

async function violations(dir: string, tsConfig?: string): Promise<string[]> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const options = { ...rules.options, ruleSet: { forbidden: rules.forbidden }, tsConfig: tsConfig ? { fileName: tsConfig } : undefined, validate: true };
    const r = await cruise(['src'], options as never);
    const out = r.output as ICruiseResult;
    return out.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  } finally {
    process.chdir(cwd);
  }
}

/** A throwaway tree of src/ files: path → source. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-layers-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('the layering of src/', () => {
  it('holds for the real tree: no forbidden import, no cycle', async () => {
    expect(await violations(root, 'tsconfig.json')).toEqual([]);
  }, 120_000);

  it('fails on an injected forbidden import (hcl importing config by value)', async () => {
    const dir = tree({
      'src/config/model.ts': 'export const BLOCKS = 1;\n',
      'src/hcl/parser.ts': "import { BLOCKS } from '../config/model';\nexport const n = BLOCKS;\n",
    });
    expect(await violations(dir)).toEqual(['layer-hcl: src/hcl/parser.ts -> src/config/model.ts']);
  }, 60_000);

  it('counts dynamic imports: plan may not reach lifecycle even lazily', async () => {
    const dir = tree({
      'src/lifecycle/move.ts': 'export const run = 1;\n',
      'src/plan/make.ts': "export const load = () => import('../lifecycle/move');\n",
    });
    expect(await violations(dir)).toEqual(['layer-plan: src/plan/make.ts -> src/lifecycle/move.ts']);
  }, 60_000);

  it('names a cycle between folders from both ends', async () => {
    const dir = tree({
      'src/apply/apply.ts': "import { p } from '../plan/plan';\nexport const a = p;\n",
      'src/plan/plan.ts': "import { a } from '../apply/apply';\nexport const p = a;\n",
    });
    const found = await violations(dir);
    expect(found).toContain('layer-plan: src/plan/plan.ts -> src/apply/apply.ts');
    expect(found.some((v) => v.startsWith('no-circular:'))).toBe(true);
  }, 60_000);

  it('lets a view name the engine’s types (type-only imports are free)', async () => {
    const dir = tree({
      'src/lifecycle/verify.ts': 'export interface VerifyReport { ready: boolean }\n',
      'src/tui/verify.ts': "import type { VerifyReport } from '../lifecycle/verify';\nexport const ok = (r: VerifyReport) => r.ready;\n",
    });
    expect(await violations(dir)).toEqual([]);
  }, 60_000);

  it('refuses a folder that has no floor', async () => {
    const dir = tree({ 'src/misc/thing.ts': "import { x } from '../diag/types';\nexport const y = x;\n", 'src/diag/types.ts': 'export const x = 1;\n' });
    expect(await violations(dir)).toEqual(['no-unknown-folder: src/misc/thing.ts -> src/diag/types.ts']);
  }, 60_000);
});

describe('the size of source files', () => {
  it('keeps every file of src/ under 800 lines, but for the lexer and the node classes (measured shapes)', () => {
    const exempt = new Set(['src/hcl/lexer.ts', 'src/hcl/nodes.ts']);
    const big: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = path.posix.join(dir, e.name);
        if (e.isDirectory()) walk(rel);
        else if (/\.tsx?$/.test(e.name) && !exempt.has(rel)) {
          const lines = fs.readFileSync(path.join(root, rel), 'utf8').split('\n').length - 1;
          if (lines > 800) big.push(`${rel}: ${lines} lines`);
        }
      }
    };
    walk('src');
    expect(big).toEqual([]);
  });
});
