// In-memory configuration directories for config tests.
import { loadConfig, type LoadOptions, type LoadResult, type VarInput } from '../../src/config/load.js';

export function memoryFs(files: Readonly<Record<string, string | Uint8Array>>): LoadOptions['fs'] {
  const enc = new TextEncoder();
  return {
    readdir: (dir: string) => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = Object.keys(files)
        .filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/'))
        .map((f) => f.slice(prefix.length));
      if (names.length === 0 && !Object.keys(files).some((f) => f.startsWith(prefix))) {
        throw Object.assign(new Error(`ENOENT: no such directory, scandir '${dir}'`), { code: 'ENOENT' });
      }
      return names;
    },
    readFile: (file: string) => {
      const f = files[file];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: no such file '${file}'`), { code: 'ENOENT' });
      return typeof f === 'string' ? enc.encode(f) : f;
    },
  };
}

/** Loads `main.hcl` (plus any extra files) from an in-memory `cfg/` directory. */
export function load(main: string, opts: { extra?: Record<string, string>; vars?: VarInput[]; env?: Record<string, string> } = {}): LoadResult {
  const files: Record<string, string> = { 'cfg/main.hcl': main };
  for (const [k, v] of Object.entries(opts.extra ?? {})) files[`cfg/${k}`] = v;
  return loadConfig({ dir: 'cfg', fs: memoryFs(files), vars: opts.vars, env: opts.env ?? {} });
}

/** The summaries and subject positions of a result's diagnostics, for exact assertions. */
export function diagSummary(r: LoadResult): { severity: string; summary: string; at?: string }[] {
  return r.diagnostics.map((d) => ({
    severity: d.severity,
    summary: d.summary,
    at: d.subject ? `${d.subject.filename}:${d.subject.start.line}:${d.subject.start.column}-${d.subject.end.line}:${d.subject.end.column}` : undefined,
  }));
}

/** A small valid DR configuration; tests append to it or replace parts of it. */
export const BASE = `site "home" {
  location  = "dal13"
  workspace = "erp-home"
  role      = "active"
}

site "dr" {
  location  = "wdc04"
  workspace = "erp-dr"
  role      = "standby"
}

replication_policy "gold" {
  type = "global"
  rpo  = "15m"
  tier = "tier0"
}

network "app" {
  type = "private"
  home = { cidr = "10.10.0.0/24", name = "app-home" }
  dr   = { cidr = "10.20.0.0/24", name = "app-dr" }
  test = { cidr = "10.99.0.0/24", name = "app-drill" }
}

volume_group "db" {
  policy  = replication_policy.gold
  volumes = [{ name = "data", size_gb = 500 }, { name = "log", size_gb = 100 }]
}

vm "db01" {
  site          = site.home
  machine_type  = "e980"
  processors    = 4
  memory_gb     = 256
  os            = "aix"
  networks      = [network.app]
  volume_groups = [volume_group.db]
}

recovery_plan "erp" {
  group "database" {
    vms = [vm.db01]
  }
}
`;

/** `src` with `from` replaced by `to`; throws unless `from` occurs exactly once, so fixtures can't silently drift. */
export function edit(src: string, from: string, to: string): string {
  const first = src.indexOf(from);
  if (first < 0) throw new Error(`fixture edit: ${JSON.stringify(from)} not found`);
  if (src.indexOf(from, first + 1) >= 0) throw new Error(`fixture edit: ${JSON.stringify(from)} occurs more than once`);
  return src.slice(0, first) + to + src.slice(first + from.length);
}

/** Line and column (from 1) of a character offset. */
function position(src: string, offset: number): { line: number; column: number } {
  const before = src.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/**
 * Where `needle` is in `src`, written as diagSummary writes ranges: "cfg/main.hcl:L:C-L:C"
 * (end exclusive). `nth` picks a later occurrence (1 = first); `after` starts the search where that
 * text starts. The needle must exist.
 */
export function loc(src: string, needle: string, opts: { nth?: number; file?: string; after?: string } = {}): string {
  let at = -1;
  if (opts.after !== undefined) {
    at = src.indexOf(opts.after) - 1;
    if (at < -1) throw new Error(`loc: ${JSON.stringify(opts.after)} not found`);
  }
  for (let i = 0; i < (opts.nth ?? 1); i++) {
    at = src.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`loc: occurrence ${i + 1} of ${JSON.stringify(needle)} not found`);
  }
  const s = position(src, at);
  const e = position(src, at + needle.length);
  return `${opts.file ?? 'cfg/main.hcl'}:${s.line}:${s.column}-${e.line}:${e.column}`;
}

export const error = (summary: string, at?: string) => ({ severity: 'error', summary, at });
export const warning = (summary: string, at?: string) => ({ severity: 'warning', summary, at });

/** The detail of the only diagnostic with this summary. */
export function detailOf(r: LoadResult, summary: string): string {
  const found = r.diagnostics.filter((d) => d.summary === summary);
  if (found.length !== 1) throw new Error(`expected one "${summary}" diagnostic, found ${found.length}`);
  return found[0].detail ?? '';
}

/** A minimal valid VM block, for fixtures that need more VMs than BASE has. */
export function vmBlock(name: string, body: Record<string, string | number>): string {
  // On BASE's app network by default: PowerVS creates no VM without a network (a validation error).
  const attrs: Record<string, string | number> = {
    site: 'site.home',
    machine_type: '"s922"',
    processors: 1,
    memory_gb: 8,
    os: '"rhel"',
    networks: '[network.app]',
    ...body,
  };
  return `\nvm "${name}" {\n${Object.entries(attrs)
    .map(([k, v]) => `  ${k} = ${v}`)
    .join('\n')}\n}\n`;
}
