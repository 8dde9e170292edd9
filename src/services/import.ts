// `drctl import ADDRESS ID`: takes a resource drctl did not create under the configuration's
// management, explicitly, as `terraform import` does. drctl never adopts a same-named resource
// by itself (PowerVS names are not unique; what it made carries its identity tags), so this is
// the one way a VM made by hand, or by another tool, comes under a configuration. The resource
// is read from the cloud and recorded at the address; the next plan shows what it takes to
// make it match the configuration (a resize in place, or a replacement for what cannot change).
import type { DrConfig, VarInput } from '../config/index.js';
import { UserError, type Diagnostic } from '../diag/index.js';
import { eventEmitter, makePlan } from '../plan/index.js';
import { cloudName } from '../resources/index.js';
import { openState, type DrState, type JsonObject } from '../state/index.js';
import { connectCloud, type CloudConnection } from './cloud.js';
import { loadForEngine } from './config.js';
import type { EngineContext } from './context.js';
import { userErrorOf } from './errors.js';
import { openWorkspace, type OpenWorkspace } from './workspace.js';
import { DRCTL_VERSION } from './version.js';

export interface ImportOptions {
  readonly dir: string;
  readonly vars: readonly VarInput[];
  readonly address: string;
  /** The cloud id (PowerVS pvmInstanceID) of the resource to take over. */
  readonly id: string;
  readonly lockTimeoutMs: number;
  readonly statePath?: string;
}

export interface ImportOutcome {
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  /** What was imported, when it was. */
  readonly imported?: { readonly address: string; readonly id: string; readonly workspace: string; readonly name: string };
}

/** Kinds import takes: those a single cloud object stands for. */
const IMPORTABLE = new Set(['vm']);

export async function importService(opts: ImportOptions, ctx: EngineContext): Promise<ImportOutcome> {
  const loaded = loadForEngine(ctx, opts.dir, opts.vars);
  if (!loaded.config) return { diagnostics: loaded.diagnostics, sources: loaded.sources };
  const config = loaded.config;
  const ws = await openWorkspace(config.settings, ctx, { statePath: opts.statePath });
  try {
    // Import writes state and reads the cloud, as an apply does.
    await ws.allow(['apply', 'state-write'], 'import');
    const imported = await ws.record(
      'import',
      () => importIn(ws, opts, ctx, config),
      (i) => ({ outcome: 'ok', detail: `${i.address} = ${i.id} (${i.workspace})` }),
    );
    return { diagnostics: loaded.diagnostics, sources: loaded.sources, imported };
  } finally {
    await ws.close();
  }
}

async function importIn(ws: OpenWorkspace, opts: ImportOptions, ctx: EngineContext, config: DrConfig): Promise<NonNullable<ImportOutcome['imported']>> {
  const { address, id } = opts;
  const session = await openState(ws.backend(), { drctlVersion: DRCTL_VERSION, lock: { operation: 'import' }, lockTimeoutMs: opts.lockTimeoutMs }).catch(
    (e: unknown) => {
      throw userErrorOf(e);
    },
  );
  let cloud: CloudConnection | undefined;
  try {
    const held = session.resource(address);
    if (held) {
      throw new UserError(`${address} is already in the state (id ${held.id}); drctl manages it already.`, [
        `To put another resource at ${address}, first forget this one: drctl state rm ${address}`,
      ]);
    }
    const other = session.resources.find((r) => r.id === id);
    if (other) throw new UserError(`${id} is already in the state, at ${other.address}.`, ['One cloud resource can be managed at one address only.']);

    // What the configuration wants at the address, exactly as a plan would create it.
    const state: DrState = {
      serial: session.serial,
      lineage: session.lineage,
      drctlVersion: DRCTL_VERSION,
      resources: session.resources,
      lifecycles: session.lifecycles,
      outputs: {},
    };
    const plan = await makePlan({
      config,
      state,
      refresh: false,
      destroy: false,
      targets: [],
      replace: [],
      parallelism: 1,
      drctlVersion: DRCTL_VERSION,
      emit: eventEmitter(ctx.sink, ctx.now),
    });
    const change = plan.changes.find((c) => c.address === address);
    if (!change || change.action !== 'create' || !change.after) {
      throw new UserError(`The configuration has no resource ${address} to import into.`, [
        `Add a ${address.split('.')[0]} block named "${cloudName(address)}" first (import takes over a resource for a block the configuration has).`,
      ]);
    }
    if (!IMPORTABLE.has(change.type)) {
      throw new UserError(`drctl import takes VMs (vm.NAME); ${address} is a ${change.type}.`, [
        'Networks, volume groups and the orchestrator are made per site from several cloud objects: let apply create them, or rename the ones in the way.',
      ]);
    }
    const after = change.after;
    const workspace = typeof after.workspace === 'string' ? after.workspace : '';
    cloud = await connectCloud(config, { cwd: ctx.cwd, env: ctx.env });
    const vm = await cloud.provider.read('vm', workspace, id);
    if (!vm)
      throw new UserError(`There is no VM ${id} in workspace ${workspace} (the workspace of ${address}'s site).`, [
        'Give the pvmInstanceID of a VM in that workspace.',
      ]);

    // Recorded as the cloud has it where drctl can read it, so the next plan shows the way from
    // there to the configuration (what PowerVS cannot change in place plans as a replacement).
    const attributes: JsonObject = {
      ...after,
      processors: vm.processors,
      memory_gb: vm.memoryGb,
      proc_type: vm.procType,
      machine_type: vm.machineType,
      ...(vm.os ? { os: vm.os } : {}),
      cloud: { id: vm.id, status: vm.status },
    };
    await session.upsert({
      address,
      type: change.type,
      name: change.name,
      id,
      attributes,
      dependencies: change.dependsOn,
      sensitiveAttributes: change.sensitiveAttributes,
    });
    return { address, id, workspace, name: vm.name };
  } finally {
    await cloud?.close().catch(() => undefined);
    await session.close();
  }
}
