// What a test needs from outside the repository (a corpus beside it, a tool on PATH). Without
// it the test skips, with a reason that names what is missing; when the environment says it is
// required (.ci/run does for the corpus and tmux), its absence is a failure, not a skip.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'vitest';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Requirement {
  readonly present: boolean;
  /** Why a test that needs it is skipped: names the missing path or tool. */
  readonly missing: string;
  /** The variable that, set to 1, turns the skip into a failure. */
  readonly requiredBy?: string;
}

export function isRequired(r: Requirement, env: NodeJS.ProcessEnv = process.env): boolean {
  return r.requiredBy !== undefined && env[r.requiredBy] === '1';
}

// Reasons already printed by this test file (each file runs in a process of its own).
const told = new Set<string>();

/** Skips the test (with the reason) when the requirement is absent, or fails it when required. */
export function need(ctx: TestContext, r: Requirement): void {
  if (r.present) return;
  if (isRequired(r)) throw new Error(`${r.missing}, and ${r.requiredBy}=1 requires it`);
  // The default reporter counts skips without their notes: say it once per file as well.
  if (!told.has(r.missing)) console.warn(`skipped: ${r.missing}`);
  told.add(r.missing);
  ctx.skip(r.missing);
}

/** Public Terraform HCL that nobody here wrote, kept beside the repository (CI clones shared/ there). */
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/hcl-corpus');
/** The .tf files the corpus holds (four terraform-ibm-modules repositories, listed in its SOURCES.md). */
export const CORPUS_TF_FILES = 149;

/** The corpus, looked up now (a test file calls this once, at collection). */
export function corpus(): Requirement {
  return {
    present: fs.existsSync(CORPUS_DIR),
    missing: `${CORPUS_DIR} is absent (the public HCL corpus lives beside the repository, not in it)`,
    requiredBy: 'DRCTL_REQUIRE_CORPUS',
  };
}

/** Every .tf and .hcl file under the corpus, sorted; empty when it is absent. */
export function corpusFiles(dir = CORPUS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...corpusFiles(p));
    else if (/\.(tf|hcl)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

const runs = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;

export function terraform(): Requirement {
  return {
    present: runs('terraform', ['version']),
    missing: 'terraform is not on PATH (install Terraform to compare drctl fmt with terraform fmt)',
  };
}

export function tmux(): Requirement {
  return {
    present: runs('tmux', ['-V']),
    missing: 'tmux is not on PATH (the terminal end-to-end tests drive the console in tmux)',
    requiredBy: 'DRCTL_REQUIRE_TMUX',
  };
}
