// `drctl fmt` against real temp dirs: the oclif command run in-process (argv as bin/drctl.js
// passes it), formatTargets with an injected stdin, and one test through the real binary.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { normalizeArgv } from '../../src/cli/argv.js';
import { reportError } from '../../src/cli/report.js';
import Fmt, { booleanFlagValues } from '../../src/commands/fmt.js';
import { formatTargets, type FmtOptions } from '../../src/services/index.js';

const ROOT = path.resolve(__dirname, '../..');

const UNFORMATTED = 'site "home" {\nlocation="dal13"\n  role = "active"\n}\n';
const FORMATTED = 'site "home" {\n  location = "dal13"\n  role     = "active"\n}\n';
const BROKEN = 'site "dr" {\n  location = \n}\n';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-fmt-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function put(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Backdates a file so a rewrite would show in its mtime. */
function backdate(file: string): number {
  const past = new Date(Date.now() - 3600_000);
  fs.utimesSync(file, past, past);
  return fs.statSync(file).mtimeMs;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command class as bin/drctl.js would: Terraform-style argv, one error report. */
async function drctlFmt(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  let code = 0;
  try {
    await Fmt.run(normalizeArgv(args), ROOT);
  } catch (e) {
    const report = reportError(e);
    stderr += report.text;
    code = report.exitCode;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { code, stdout, stderr };
}

describe('drctl fmt (in-process)', () => {
  it('rewrites unformatted files in place, lists them, and leaves formatted ones untouched', async () => {
    // Given a directory with one unformatted and one formatted file
    const messy = put('a.hcl', UNFORMATTED);
    const tidy = put('b.hcl', FORMATTED);
    const tidyMtime = backdate(tidy);
    // When fmt runs on it
    const run = await drctlFmt(dir);
    // Then only the unformatted one is rewritten and named
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${messy}\n`);
    expect(fs.readFileSync(messy, 'utf8')).toBe(FORMATTED);
    expect(fs.readFileSync(tidy, 'utf8')).toBe(FORMATTED);
    expect(fs.statSync(tidy).mtimeMs).toBe(tidyMtime);
  });

  it('formats plans/ when no path is given, as every other command reads plans/', async () => {
    fs.mkdirSync(path.join(dir, 'plans'));
    put('plans/a.hcl', UNFORMATTED);
    put('b.hcl', UNFORMATTED);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const run = await drctlFmt();
      expect(run.code).toBe(0);
      // It says what it formatted: the file's path.
      expect(run.stdout).toBe(`${path.join('plans', 'a.hcl')}\n`);
    } finally {
      process.chdir(cwd);
    }
    expect(fs.readFileSync(path.join(dir, 'plans/a.hcl'), 'utf8')).toBe(FORMATTED);
    expect(fs.readFileSync(path.join(dir, 'b.hcl'), 'utf8')).toBe(UNFORMATTED);
  });

  it('with no path and no plans/ directory, says there is nothing at plans', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const run = await drctlFmt();
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('No file or directory at plans');
    } finally {
      process.chdir(cwd);
    }
  });

  it('-check lists the files that would change, writes nothing and exits 3', async () => {
    const messy = put('a.hcl', UNFORMATTED);
    put('b.hcl', FORMATTED);
    const mtime = backdate(messy);
    const run = await drctlFmt('-check', dir);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe(`${messy}\n`);
    expect(fs.readFileSync(messy, 'utf8')).toBe(UNFORMATTED);
    expect(fs.statSync(messy).mtimeMs).toBe(mtime);
  });

  it('-check -list=false prints nothing, not even the text, and still exits 3', async () => {
    const messy = put('a.hcl', UNFORMATTED);
    const run = await drctlFmt('-check', '-list=false', '-diff', dir);
    expect(run).toEqual({ code: 3, stdout: '', stderr: '' });
    expect(fs.readFileSync(messy, 'utf8')).toBe(UNFORMATTED);
  });

  it('-check exits 0 with no output when everything is formatted', async () => {
    put('b.hcl', FORMATTED);
    const run = await drctlFmt('-check', dir);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('-diff prints a unified diff with old/ and new/ headers and the changed lines', async () => {
    const messy = put('a.hcl', UNFORMATTED);
    const run = await drctlFmt('-diff', '-check', dir);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`--- old/${messy}\n+++ new/${messy}\n@@ `);
    expect(run.stdout).toContain('\n-location="dal13"\n');
    expect(run.stdout).toContain('\n+  location = "dal13"\n');
    expect(run.stdout).toContain('\n-  role = "active"\n');
    expect(run.stdout).toContain('\n+  role     = "active"\n');
    expect(run.stdout).toContain('\n site "home" {\n'); // context lines keep a leading space
    expect(fs.readFileSync(messy, 'utf8')).toBe(UNFORMATTED);
  });

  it('-list=false rewrites without naming files', async () => {
    const messy = put('a.hcl', UNFORMATTED);
    const run = await drctlFmt('-list=false', dir);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(messy, 'utf8')).toBe(FORMATTED);
  });

  it('-write=false names the files but leaves them alone', async () => {
    const messy = put('a.hcl', UNFORMATTED);
    const run = await drctlFmt('-write=false', dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${messy}\n`);
    expect(fs.readFileSync(messy, 'utf8')).toBe(UNFORMATTED);
  });

  it('-write=false -list=false prints the formatted text instead', async () => {
    const messy = put('a.hcl', UNFORMATTED);
    const run = await drctlFmt('-write=false', '-list=false', messy);
    expect(run.stdout).toBe(FORMATTED);
    expect(fs.readFileSync(messy, 'utf8')).toBe(UNFORMATTED);
  });

  it('reports a file with syntax errors with file and line, leaves it untouched, formats the rest, exits 1', async () => {
    const broken = put('a-broken.hcl', BROKEN);
    const messy = put('b.hcl', UNFORMATTED);
    const mtime = backdate(broken);
    const run = await drctlFmt(dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Error: ');
    expect(run.stderr).toContain(`on ${broken} line 2`);
    expect(run.stderr).toContain('   2:   location = ');
    expect(fs.readFileSync(broken, 'utf8')).toBe(BROKEN);
    expect(fs.statSync(broken).mtimeMs).toBe(mtime);
    expect(fs.readFileSync(messy, 'utf8')).toBe(FORMATTED);
    expect(run.stdout).toBe(`${messy}\n`);
  });

  it('reads only *.hcl files of the directory itself unless -recursive', async () => {
    const top = put('a.hcl', UNFORMATTED);
    const nested = put('sub/c.hcl', UNFORMATTED);
    const other = put('notes.txt', 'a=1\n');
    const hidden = put('.git/x.hcl', UNFORMATTED);

    const flat = await drctlFmt(dir);
    expect(flat.stdout).toBe(`${top}\n`);
    expect(fs.readFileSync(nested, 'utf8')).toBe(UNFORMATTED);

    const deep = await drctlFmt('-recursive', dir);
    expect(deep.stdout).toBe(`${nested}\n`);
    expect(fs.readFileSync(nested, 'utf8')).toBe(FORMATTED);
    expect(fs.readFileSync(other, 'utf8')).toBe('a=1\n');
    expect(fs.readFileSync(hidden, 'utf8')).toBe(UNFORMATTED);
  });

  it('formats a file named explicitly, whatever its extension', async () => {
    const file = put('site.tfvars', 'a=1\n');
    const run = await drctlFmt(file);
    expect(run.stdout).toBe(`${file}\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('a = 1\n');
  });

  it('exits 1 naming a path that does not exist', async () => {
    const run = await drctlFmt(path.join(dir, 'missing'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`No file or directory at ${path.join(dir, 'missing')}`);
  });

  it('keeps the file mode and leaves no temp file behind', async () => {
    const file = put('a.hcl', UNFORMATTED);
    fs.chmodSync(file, 0o664);
    await drctlFmt(dir);
    expect(fs.readFileSync(file, 'utf8')).toBe(FORMATTED);
    expect(fs.statSync(file).mode & 0o777).toBe(0o664);
    expect(fs.readdirSync(dir)).toEqual(['a.hcl']);
  });

  it('rewrites the target of a symlink and keeps the link', async () => {
    const target = put('real/a.hcl', UNFORMATTED);
    const link = path.join(dir, 'link.hcl');
    fs.symlinkSync(target, link);
    const run = await drctlFmt(link);
    expect(run.stdout).toBe(`${link}\n`);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe(FORMATTED);
  });

  it('-recursive survives a directory symlink loop', async () => {
    const nested = put('sub/c.hcl', UNFORMATTED);
    fs.symlinkSync(dir, path.join(dir, 'sub', 'loop'));
    const run = await drctlFmt('-recursive', dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${nested}\n`);
  });

  it('rejects an unknown flag instead of reading it as a path', async () => {
    const file = put('a.hcl', UNFORMATTED);
    const run = await drctlFmt('-chek', dir);
    // A usage error in drctl's words, with the flag it probably meant.
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('drctl fmt has no flag -chek.');
    expect(run.stderr).toContain('Did you mean -check');
    expect(fs.readFileSync(file, 'utf8')).toBe(UNFORMATTED);
  });
});

describe('formatTargets with standard input', () => {
  const term = (stdin: string) => {
    const sink = { stdout: '', stderr: '' };
    return {
      sink,
      term: {
        stdout: { write: (s: string) => (sink.stdout += s) },
        stderr: { write: (s: string) => (sink.stderr += s) },
        color: false,
        width: 80,
        readStdin: async () => Buffer.from(stdin),
      },
    };
  };
  const options = (over: Partial<FmtOptions>): FmtOptions => ({
    targets: ['-'],
    list: true,
    write: true,
    diff: false,
    check: false,
    recursive: false,
    ...over,
  });

  it('"-" formats standard input to standard output', async () => {
    const { sink, term: t } = term(UNFORMATTED);
    expect(await formatTargets(options({}), t)).toBe(0);
    expect(sink.stdout).toBe(FORMATTED);
  });

  it('"-" with -check prints nothing and exits 3 when the input is not formatted, 0 when it is', async () => {
    const messy = term(UNFORMATTED);
    expect(await formatTargets(options({ check: true }), messy.term)).toBe(3);
    expect(messy.sink).toEqual({ stdout: '', stderr: '' });
    const tidy = term(FORMATTED);
    expect(await formatTargets(options({ check: true }), tidy.term)).toBe(0);
  });

  it('"-" with -diff prints the diff instead of the text', async () => {
    const { sink, term: t } = term(UNFORMATTED);
    expect(await formatTargets(options({ diff: true }), t)).toBe(0);
    expect(sink.stdout).toContain('--- old/<stdin>\n+++ new/<stdin>\n');
    expect(sink.stdout).not.toContain(FORMATTED);
  });

  it('"-" with a syntax error reports <stdin> and the line, and exits 1', async () => {
    const { sink, term: t } = term(BROKEN);
    expect(await formatTargets(options({}), t)).toBe(1);
    expect(sink.stdout).toBe('');
    expect(sink.stderr).toContain('on <stdin> line 2');
  });
});

describe('Terraform-style boolean flag values', () => {
  it('turns --name=false into --no-name and --name=true into --name', () => {
    expect(booleanFlagValues(['--list=false', '--write=true', '--check', 'x=false', '--var=a=false'])).toEqual([
      '--no-list',
      '--write',
      '--check',
      'x=false',
      '--var=a=false',
    ]);
  });
});

describe('drctl fmt through the real binary', () => {
  // Needs the lead to register `fmt: Fmt` in src/commands/index.ts and `npm run build` (bin/drctl.js
  // runs dist/). Until then this test fails with "command fmt not found"; that is expected.
  it('node bin/drctl.js fmt -check <dir> exits 3 and names the unformatted file', () => {
    const messy = put('a.hcl', UNFORMATTED);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/drctl.js'), 'fmt', '-check', dir], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
    expect(r.stdout).toBe(`${messy}\n`);
    expect(fs.readFileSync(messy, 'utf8')).toBe(UNFORMATTED);
  });

  it('printf … | node bin/drctl.js fmt - writes the formatted text to stdout', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/drctl.js'), 'fmt', '-'], { input: UNFORMATTED, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(FORMATTED);
  });
});
