// In-memory configuration directories for config tests.
import { loadConfig, type LoadOptions, type LoadResult, type VarInput } from '../../src/config/load.js';

export function memoryFs(files: Readonly<Record<string, string | Uint8Array>>): LoadOptions['fs'] {
  const enc = new TextEncoder();
  return {
    readdir: (dir: string) => {
      const prefix = dir.endsWith('/') ? dir : `${dir}/`;
      const names = Object.keys(files).filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes('/')).map((f) => f.slice(prefix.length));
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
