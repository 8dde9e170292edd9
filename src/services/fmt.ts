// `drctl fmt`: rewrite HCL files in the canonical style, as `terraform fmt` does, with its exit
// codes (0 formatted or nothing to do, 1 an error, 3 `-check` found unformatted input). The work
// runs against the real file system, with the terminal passed in so tests can run it on temp
// dirs without a process.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FmtOptions {
  /** Files, directories (their *.hcl files) or `-` for standard input. */
  readonly targets: readonly string[];
  /** Print the names of files whose formatting differs. */
  readonly list: boolean;
  /** Rewrite files in place. */
  readonly write: boolean;
  /** Print a unified diff of the changes. */
  readonly diff: boolean;
  /** Change nothing; exit 3 when some input is not formatted. */
  readonly check: boolean;
  /** Also format *.hcl files in subdirectories. */
  readonly recursive: boolean;
}

export interface FmtTerminal {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly color: boolean;
  readonly width: number;
  readonly readStdin: () => Promise<Uint8Array>;
}

export const FMT_EXIT = { ok: 0, error: 1, unformatted: 3 } as const;

const STDIN_NAME = '<stdin>';

/** Formats every target; returns the exit code. */
export async function formatTargets(options: FmtOptions, term: FmtTerminal): Promise<number> {
  // Direct: the formatter and the parser it uses, not the evaluator the hcl facade brings.
  const { formatHclBytes } = await import('../hcl/fmt.js');
  const { renderDiagnostics } = await import('../diag/index.js');
  const { createTwoFilesPatch, FILE_HEADERS_ONLY } = await import('diff');

  let failed = false;
  let unformatted = false;

  const report = (name: string, source: string, diagnostics: Parameters<typeof renderDiagnostics>[0]) => {
    const sources = new Map([[name, source]]);
    term.stderr.write(renderDiagnostics(diagnostics, { sources, color: term.color, width: Math.min(term.width, 100) }));
  };

  // One file (or stdin), as terraform's processFile does. Standard input is never listed or
  // written. -check writes nothing and, like terraform, shows names and diffs only with -list.
  const formatOne = (name: string, bytes: Uint8Array, stdin: boolean) => {
    const result = formatHclBytes(bytes, name);
    if (result.formatted === undefined) {
      report(name, result.source, result.diagnostics);
      failed = true;
      return;
    }
    const list = options.list && !stdin;
    const write = options.write && !stdin && !options.check;
    if (result.formatted !== result.source) {
      unformatted = true;
      if (list) term.stdout.write(name + '\n');
      if (write) writeAtomically(name, result.formatted);
      if (options.diff && (list || !options.check)) {
        const label = name.split(path.sep).join('/');
        term.stdout.write(
          createTwoFilesPatch(`old/${label}`, `new/${label}`, result.source, result.formatted, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY }),
        );
      }
    }
    if (!options.check && !list && !write && !options.diff) term.stdout.write(result.formatted);
  };

  const targets = options.targets.length > 0 ? options.targets : ['.'];
  for (const target of targets) {
    if (target === '-') {
      formatOne(STDIN_NAME, await term.readStdin(), true);
      continue;
    }
    let files: string[];
    try {
      files = fs.statSync(target).isDirectory() ? hclFilesIn(target, options.recursive) : [target];
    } catch (err) {
      const missing = isFsError(err) && err.code === 'ENOENT';
      term.stderr.write(`Error: ${missing ? 'No file or directory at' : 'Cannot read'} ${target}\n\n  ${describe(err)}\n`);
      failed = true;
      continue;
    }
    for (const file of files) {
      let bytes: Uint8Array;
      try {
        bytes = fs.readFileSync(file);
      } catch (err) {
        term.stderr.write(`Error: Cannot read ${file}\n\n  ${describe(err)}\n`);
        failed = true;
        continue;
      }
      try {
        formatOne(file, bytes, false);
      } catch (err) {
        if (!isFsError(err)) throw err;
        term.stderr.write(`Error: Cannot write ${file}\n\n  ${describe(err)}\n`);
        failed = true;
      }
    }
  }
  if (failed) return FMT_EXIT.error;
  return options.check && unformatted ? FMT_EXIT.unformatted : FMT_EXIT.ok;
}

/**
 * The *.hcl files of a directory in name order; with `recursive`, those of its subdirectories
 * too (not hidden ones, and each real directory once, so a symlink loop ends).
 */
function hclFilesIn(dir: string, recursive: boolean, seen = new Set<string>()): string[] {
  seen.add(fs.realpathSync(dir));
  const out: string[] = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() || (e.isSymbolicLink() && isDirectory(p))) {
      if (recursive && !e.name.startsWith('.') && !seen.has(fs.realpathSync(p))) out.push(...hclFilesIn(p, true, seen));
    } else if (e.name.endsWith('.hcl') && !e.name.startsWith('.')) {
      out.push(p);
    }
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Replaces the file's content through a temp file in the same directory and a rename, so a
 * crash never leaves half a file. The mode is kept; a symlink's target is what gets replaced.
 */
function writeAtomically(file: string, text: string): void {
  const real = fs.realpathSync(file);
  const mode = fs.statSync(real).mode & 0o7777;
  const tmp = path.join(path.dirname(real), `.${path.basename(real)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.fchmodSync(fd, mode); // exactly the old mode, whatever the umask
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, real);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

function isFsError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
