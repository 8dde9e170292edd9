// Real plans without a cloud: a fixture configuration (fixtures/engine/basic), a state recorded
// as if it had been applied, and the plan of an edited configuration against it (no refresh).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { DrConfig } from '../../src/config/model.js';
import { desiredResources } from '../../src/plan/desired.js';
import { makePlan } from '../../src/plan/make.js';
import type { Plan } from '../../src/plan/plan.js';
import type { JsonValue } from '../../src/state/json.js';
import type { DrState } from '../../src/state/types.js';
import { memoryFs } from '../config/load-helpers.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const LINEAGE = '8f1c2a4e-6b1d-4c55-9e0a-3d7f2b9c1e00';

/** The files of a fixture directory, by name. */
export function fixtureFiles(dir = 'fixtures/engine/basic'): Record<string, string> {
  const abs = path.join(ROOT, dir);
  return Object.fromEntries(
    fs
      .readdirSync(abs)
      .filter((n) => n.endsWith('.hcl'))
      .map((n) => [n, fs.readFileSync(path.join(abs, n), 'utf8')]),
  );
}

/** `files` with each edit applied; an edit that changes nothing fails the test. */
export function edited(files: Record<string, string>, edits: Record<string, (s: string) => string>): Record<string, string> {
  const out = { ...files };
  for (const [name, edit] of Object.entries(edits)) {
    const next = edit(out[name] ?? '');
    expect(next, `edit of ${name} changed nothing`).not.toBe(out[name]);
    out[name] = next;
  }
  return out;
}

export function configOf(files: Record<string, string>): DrConfig {
  const r = loadConfig({ dir: 'cfg', fs: memoryFs(Object.fromEntries(Object.entries(files).map(([k, v]) => [`cfg/${k}`, v]))), env: {} });
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary)).toEqual([]);
  return r.config!;
}

/** The state an apply of `config` records (cloud ids made up), with the given lifecycles. */
export function appliedState(config: DrConfig, opts: { serial?: number; lifecycles?: Record<string, JsonValue> } = {}): DrState {
  return {
    serial: opts.serial ?? 7,
    lineage: LINEAGE,
    drctlVersion: '0.1.0',
    resources: desiredResources(config).map((d) => ({
      address: d.address,
      type: d.type,
      name: d.name,
      id: `id-${d.address}`,
      attributes: { ...d.attributes, cloud: { id: `id-${d.address}` } },
      dependencies: [...d.dependsOn],
      sensitiveAttributes: [...d.sensitiveAttributes],
    })),
    lifecycles: opts.lifecycles ?? {},
    outputs: {},
  };
}

export function planOf(config: DrConfig, state: DrState | null, opts: { destroy?: boolean } = {}): Promise<Plan> {
  return makePlan({
    config,
    state,
    refresh: false,
    destroy: opts.destroy ?? false,
    targets: [],
    replace: [],
    parallelism: 4,
    drctlVersion: '0.1.0',
    emit: () => {},
  });
}

/** The plan of `edits` applied to the basic fixture, against the state of the fixture as applied. */
export async function planOfEdit(
  edits: Record<string, (s: string) => string>,
  opts: { lifecycles?: Record<string, JsonValue>; files?: Record<string, string> } = {},
): Promise<Plan> {
  const files = opts.files ?? fixtureFiles();
  const state = appliedState(configOf(files), { lifecycles: opts.lifecycles });
  return planOf(configOf(edited(files, edits)), state);
}
