// The scripts a configuration names (a recovery group's post_check): programs inside the
// configuration directory, run with arguments and never through a shell. A path that leaves the
// directory (absolute, through "..", or through a symlink), that names nothing, or a file drctl
// may not execute, is an error at validate time rather than at 3 a.m. in a failover.
import * as path from 'node:path';
import type { Range } from '../diag/types.js';
import { type Diagnostic, errorDiag } from '../diag/types.js';
import { elementPath } from './decode.js';
import type { DrConfig, RecoveryGroup, RecoveryPlan } from './model.js';
import type { ConfigFs } from './sources.js';

/** Variables a post_check always gets (docs/language.md), which post_check_env may not set. */
export const POST_CHECK_RESERVED = /^(PATH|HOME|DRCTL_.*)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SHELL_SYNTAX = /[\s;&|$`()<>*?'"\\]/;

function within(base: string, p: string): boolean {
  const rel = path.relative(base, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Why `script` cannot be a post_check of the configuration in `dir`, or undefined. Checks on disk only when `fs` can. */
export function scriptProblem(dir: string, script: string, fs: Pick<ConfigFs, 'realPath' | 'scriptKind'>): { summary: string; detail: string } | undefined {
  const shown = JSON.stringify(script);
  const relativeHint = 'write its path relative to the configuration directory, e.g. "scripts/db-ready.sh"';
  if (path.isAbsolute(script) || /^[A-Za-z]:[\\/]/.test(script)) {
    return {
      summary: 'Script outside the configuration directory',
      detail: `${shown} is an absolute path. A post_check is a script inside the configuration directory, run as a program (never through a shell): copy it there and ${relativeHint}.`,
    };
  }
  const base = path.resolve(dir);
  const abs = path.resolve(base, script);
  if (!within(base, abs)) {
    return {
      summary: 'Script outside the configuration directory',
      detail: `${shown} leaves the configuration directory through "..". A post_check is a script inside the configuration directory: copy it there and ${relativeHint}.`,
    };
  }
  const shellHint = SHELL_SYNTAX.test(script)
    ? ' drctl never runs a post_check through a shell, so this is read as one file name: put the commands in a script, and give arguments as a list, e.g. post_check = ["scripts/check.sh", "--db", "ERP"].'
    : '';
  if (fs.realPath) {
    let real: string | undefined;
    try {
      real = fs.realPath(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
    }
    if (real !== undefined && !within(fs.realPath(base), real)) {
      return {
        summary: 'Script outside the configuration directory',
        detail: `${shown} is a symbolic link (or lies under one) that leads out of the configuration directory. A post_check must be a script inside it: copy the script there instead of linking to it.`,
      };
    }
    if (real === undefined && !fs.scriptKind)
      return { summary: 'Script not found', detail: `There is no file ${shown} in the configuration directory.${shellHint}` };
  }
  switch (fs.scriptKind?.(abs)) {
    case 'missing':
      return { summary: 'Script not found', detail: `There is no file ${shown} in the configuration directory.${shellHint}` };
    case 'not-a-file':
      return { summary: 'Script not found', detail: `${shown} is not a regular file (a directory or a device). A post_check names a script file.` };
    case 'not-executable':
      return {
        summary: 'Script not executable',
        detail: `${shown} is not executable. drctl runs a post_check as a program, so it needs execute permission and a "#!" line: chmod +x ${script}`,
      };
    default:
      return undefined;
  }
}

function groupRange(p: RecoveryPlan, g: RecoveryGroup, ...rest: (string | number)[]): Range {
  let key = elementPath(elementPath('group', g.name), 'post_check');
  for (const r of rest) key = elementPath(key, r);
  return p.attrRanges[key] ?? p.attrRanges[elementPath(elementPath('group', g.name), 'post_check')] ?? g.range;
}

/** Checks every post_check path (and its post_check_env names) of the configuration. */
export function checkScripts(config: DrConfig, fs: ConfigFs, diags: Diagnostic[]): void {
  for (const p of config.recoveryPlans.values()) {
    for (const g of p.groups) {
      const owner = `group "${g.name}" of ${p.address}`;
      if (g.postCheck !== undefined) {
        const problem = scriptProblem(config.dir, g.postCheck, fs);
        if (problem) {
          // A path that came from a sensitive value is not quoted back.
          const detail = p.sensitive.includes('post_check') ? problem.detail.replaceAll(JSON.stringify(g.postCheck), '(sensitive value)') : problem.detail;
          diags.push(errorDiag(problem.summary, `The post_check of ${owner}: ${detail}`, groupRange(p, g, ...(g.postCheckArgs?.length ? [0] : [])), g.range));
        }
      }
      for (const name of Object.keys(g.postCheckEnv ?? {})) {
        const where = p.attrRanges[elementPath(elementPath(elementPath('group', g.name), 'post_check_env'), name)] ?? g.range;
        if (!ENV_NAME.test(name)) {
          diags.push(
            errorDiag(
              'Invalid environment variable name',
              `post_check_env of ${owner} sets "${name}", which is not a variable name: letters, digits and "_", not starting with a digit.`,
              where,
              g.range,
            ),
          );
        } else if (POST_CHECK_RESERVED.test(name)) {
          diags.push(
            errorDiag(
              'Reserved environment variable',
              `post_check_env of ${owner} sets "${name}", which drctl sets itself (PATH, HOME and the DRCTL_* facts of the run). Pick another name.`,
              where,
              g.range,
            ),
          );
        }
      }
      if (g.postCheckEnv && g.postCheck === undefined) {
        diags.push(
          errorDiag(
            'post_check_env without post_check',
            `${owner} sets post_check_env, but has no post_check to pass it to.`,
            p.attrRanges[elementPath(elementPath('group', g.name), 'post_check_env')] ?? g.range,
            g.range,
          ),
        );
      }
    }
  }
}
