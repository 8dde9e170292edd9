// The DR actions of the PowerVS provider: VM power, volume-group start/stop/reset, replication
// status, drill clones, onboarding of auxiliary volumes, and booting a VM from a replicated
// volume. PowerVS answers an action with 200/202 and an empty object, no task: the resource's
// own status is what tells when it took effect, so that is what is waited on (polled, or held
// by the simulator's settled reads). A resource still busy with an earlier operation (a group
// updating, a VM booting) is waited out before acting, never taken as a failure.

import { ProviderError, type ProviderErrorCode } from '../errors.js';
import type { CloneResult, OperationOptions, PowerOptions, ReplicationStatus, VmPowerAction, VmState, VolumeGroupState, VolumeState } from '../types.js';
import { dateOf, enc, ok, type Ctx, type PowerVsClient } from './client.js';
import { toReplicationStatus, toVmState, toVolumeGroupState, toVolumeState } from './mapping.js';

/** Longest a settled read is held (below the simulator's own cap of 30 s). */
const MAX_HELD_MS = 25_000;
/** How often an action refused because its resource was busy is sent again, after waiting it out. */
const BUSY_RETRIES = 5;

export interface ActionAccess {
  readVm(ctx: Ctx, id: string): Promise<VmState>;
  readVolume(ctx: Ctx, id: string): Promise<VolumeState>;
  listVolumes(ctx: Ctx): Promise<VolumeState[]>;
  listGroups(ctx: Ctx): Promise<VolumeGroupState[]>;
  deleteVolume(ctx: Ctx, id: string): Promise<void>;
}

const vmBusy = (s: VmState) => s.status === 'BUILD' || (s.status === 'ACTIVE' && s.health !== 'OK' && s.health !== 'CRITICAL');
const groupBusy = (g: { status: string }) => g.status === 'updating' || g.status === 'creating';

export class DrActions {
  constructor(
    private readonly client: PowerVsClient,
    private readonly access: ActionAccess,
  ) {}

  private get base() {
    return (ctx: Ctx, version: 1 | 2 = 1) => this.client.base(ctx, version);
  }

  // ---- waiting on a resource ------------------------------------------------------------

  /**
   * Reads a resource until `settled`: through the simulator's held read (one request that
   * answers when the resource settles), or by polling its real read.
   */
  private async waitFor<T>(
    ctx: Ctx,
    path: string,
    heldPath: string,
    toState: (b: unknown) => T,
    settled: (t: T) => boolean,
    failed: (t: T) => { code: ProviderErrorCode; detail: string } | undefined,
    describe: (t: T) => string,
    goal: string,
    opts: OperationOptions | undefined,
    firstLookMs = 0,
  ): Promise<T> {
    if (!this.client.settledReads) {
      const c = this.client;
      let interval = firstLookMs > 0 ? Math.min(c.pollIntervalMs, Math.max(1, firstLookMs * 0.01)) : c.pollIntervalMs;
      if (firstLookMs > interval) await c.sleep(firstLookMs - interval);
      const timeoutMs = opts?.timeoutMs ?? c.operationTimeoutMs;
      const deadline = c.now() + timeoutMs;
      for (;;) {
        const t = toState(await c.mustGet(ctx, path));
        const f = failed(t);
        if (f) throw c.error(ctx, f.code, f.detail);
        if (settled(t)) return t;
        if (c.now() >= deadline)
          throw c.error(ctx, 'timeout', `timed out after ${Math.round(timeoutMs / 1000)} s waiting to ${goal} (last seen: ${describe(t)})`);
        await c.sleep(interval);
        // Polls start at 1% of the expected time and double up to the poll interval.
        interval = Math.min(c.pollIntervalMs, interval * 2);
      }
    }
    const c = this.client;
    const timeoutMs = opts?.timeoutMs ?? c.operationTimeoutMs;
    const deadline = c.now() + timeoutMs;
    for (;;) {
      const heldMs = Math.max(1, Math.min(MAX_HELD_MS, deadline - c.now()));
      const asked = c.now();
      const t = toState(await c.mustGet(ctx, `${heldPath}?waitMs=${Math.ceil(heldMs)}`, heldMs));
      const f = failed(t);
      if (f) throw c.error(ctx, f.code, f.detail);
      if (settled(t)) return t;
      if (c.now() >= deadline)
        throw c.error(ctx, 'timeout', `timed out after ${Math.round(timeoutMs / 1000)} s waiting to ${goal} (last seen: ${describe(t)})`);
      // An endpoint that did not hold the read is polled, not hammered.
      if (c.now() - asked < heldMs / 2) await c.sleep(c.pollIntervalMs);
    }
  }

  waitVm(ctx: Ctx, id: string, settled: (s: VmState) => boolean, goal: string, opts?: OperationOptions, firstLookMs = 0): Promise<VmState> {
    return this.waitFor(
      ctx,
      `${this.base(ctx)}/pvm-instances/${enc(id)}`,
      `/sim/v1/cloud-instances/${enc(ctx.cloudId)}/pvm-instances/${enc(id)}/settled`,
      toVmState,
      settled,
      (s) => (s.status === 'ERROR' && !settled(s) ? { code: 'boot_failed', detail: `it went into ERROR${s.fault ? `: ${s.fault}` : ''}` } : undefined),
      (s) => `${s.status}/${s.health}`,
      goal,
      opts,
      firstLookMs,
    );
  }

  /** Waits until a VM is out of transition (built, booted or shut off), saying so through onWait. */
  private async waitVmIdle(ctx: Ctx, s: VmState, opts?: OperationOptions): Promise<VmState> {
    opts?.onWait?.(`${ctx.resource} is busy (${s.status}/${s.health}); waiting for it to settle`);
    return this.waitFor(
      ctx,
      `${this.base(ctx)}/pvm-instances/${enc(s.id)}`,
      `/sim/v1/cloud-instances/${enc(ctx.cloudId)}/pvm-instances/${enc(s.id)}/settled`,
      toVmState,
      (v) => !vmBusy(v),
      () => undefined,
      (v) => `${v.status}/${v.health}`,
      'settle',
      opts,
    );
  }

  waitGroup(ctx: Ctx, id: string, opts?: OperationOptions): Promise<VolumeGroupState> {
    return this.waitFor(
      ctx,
      `${this.base(ctx)}/volume-groups/${enc(id)}`,
      `/sim/v1/cloud-instances/${enc(ctx.cloudId)}/volume-groups/${enc(id)}/settled`,
      toVolumeGroupState,
      (g) => !groupBusy(g),
      () => undefined,
      (g) => g.status,
      'settle',
      opts,
    );
  }

  /** Waits out a group that is updating (an earlier action), telling onWait; returns at once when it is not. */
  async waitGroupIdle(ctx: Ctx, id: string, opts?: OperationOptions): Promise<VolumeGroupState> {
    const g = toVolumeGroupState(await this.client.mustGet(ctx, `${this.base(ctx)}/volume-groups/${enc(id)}`));
    if (!groupBusy(g)) return g;
    opts?.onWait?.(`volume group "${g.name}" is ${g.status} (an earlier action); waiting for it to settle`);
    return this.waitGroup(ctx, id, opts);
  }

  // ---- VMs ---------------------------------------------------------------------------

  /**
   * Sends a VM power action and waits until it took effect (start: ACTIVE and healthy; stop:
   * SHUTOFF). A VM busy with an earlier operation is waited out and the action sent again; one
   * already where the action would take it is done.
   */
  async power(ctx: Ctx, id: string, action: VmPowerAction, opts?: PowerOptions & OperationOptions): Promise<void> {
    const path = `${this.base(ctx)}/pvm-instances/${enc(id)}/action`;
    const target = (s: VmState) => (action === 'start' ? s.ready : s.status === 'SHUTOFF');
    for (let attempt = 0; ; attempt++) {
      const { res, attempts } = await this.client.exchange(ctx, 'POST', path, { action });
      if (ok(res.status)) break;
      if (res.status !== 409) {
        if (res.status !== 404) await this.access.readVm(ctx, id).catch(() => undefined);
        throw this.client.responseError(ctx, res, attempts);
      }
      // Refused: already there, or busy (on its way there after an earlier attempt, or with
      // something else): wait until it settles, then look again.
      const s = await this.access.readVm(ctx, id);
      if (target(s)) return;
      if (!vmBusy(s) || attempt >= BUSY_RETRIES) throw this.client.responseError(ctx, res, attempts);
      if (target(await this.waitVmIdle(ctx, s, opts))) return;
    }
    if (opts?.wait === false) return;
    const goal = action === 'start' ? 'become ACTIVE and healthy' : 'shut off';
    await this.waitVm(ctx, id, target, goal, opts, (opts as PowerOptions | undefined)?.expectedMs ?? 0);
  }

  /**
   * Brings up a VM deployed VMNoStorage from a (replicated) boot volume, as IBM documents it:
   * once built it is attached the volumes with that one as boot volume (v2 pvm-instances/{id}/
   * volumes, bootVolumeID), then started.
   */
  async bootFromVolume(ctx: Ctx, vm: VmState, bootVolumeId: string, volumeIds: readonly string[], opts?: OperationOptions): Promise<VmState> {
    const built = await this.waitVm(ctx, vm.id, (s) => s.status === 'SHUTOFF' || s.ready, 'finish building', opts);
    const missing = volumeIds.filter((v) => !built.volumeIds.includes(v));
    if (missing.length) {
      const ids = missing.includes(bootVolumeId) ? missing : [...missing];
      const { res, ambiguous, attempts } = await this.client.exchange(ctx, 'POST', `${this.base(ctx, 2)}/pvm-instances/${enc(vm.id)}/volumes`, {
        volumeIDs: ids,
        bootVolumeID: bootVolumeId,
      });
      if (!ok(res.status)) {
        const now = ambiguous ? await this.access.readVm(ctx, vm.id) : undefined;
        if (!now || volumeIds.some((v) => !now.volumeIds.includes(v))) throw this.client.responseError(ctx, res, attempts);
      }
    }
    if (built.ready) return built;
    if (opts?.wait === false) return this.access.readVm(ctx, vm.id);
    await this.power(ctx, vm.id, 'start', opts);
    return this.access.readVm(ctx, vm.id);
  }

  // ---- volume groups -------------------------------------------------------------------

  /**
   * Sends a volume-group action (202, no task) and waits for the group to settle. A group that
   * is updating (an earlier action still under way) is waited out and the action sent again; a
   * 409 answered to a retried send counts when the group already shows the action done.
   */
  async groupAction(ctx: Ctx, id: string, body: unknown, done: (r: ReplicationStatus) => boolean, opts?: OperationOptions): Promise<ReplicationStatus> {
    const path = `${this.base(ctx)}/volume-groups/${enc(id)}/action`;
    for (let attempt = 0; ; attempt++) {
      const { res, ambiguous, attempts } = await this.client.exchange(ctx, 'POST', path, body);
      if (ok(res.status)) break;
      if (res.status !== 409) {
        if (res.status !== 404) await this.replication(ctx, id).catch(() => undefined);
        throw this.client.responseError(ctx, res, attempts);
      }
      const r = await this.replication(ctx, id);
      if (groupBusy(r) && attempt < BUSY_RETRIES) {
        // An earlier action is under way: wait it out, then act only if it did not do this one's work.
        opts?.onWait?.(`volume group "${r.name}" is ${r.status} (an earlier action); waiting for it to settle`);
        await this.waitGroup(ctx, id, opts);
        const settled = await this.replication(ctx, id);
        if (done(settled)) return settled;
        continue;
      }
      if (ambiguous && (groupBusy(r) || done(r))) break;
      throw this.client.responseError(ctx, res, attempts);
    }
    if (opts?.wait === false) return this.replication(ctx, id);
    await this.waitGroup(ctx, id, opts);
    return this.replication(ctx, id);
  }

  /** A group's replication: its status, storage details and remote-copy relationships (lag from their freeze time and the answer's Date). */
  async replication(ctx: Ctx, id: string): Promise<ReplicationStatus> {
    const path = `${this.base(ctx)}/volume-groups/${enc(id)}`;
    const [group, details, rels] = await Promise.all([
      this.client.mustGet(ctx, path),
      this.client.getJson(ctx, `${path}/storage-details`),
      this.client.getResponse(ctx, `${path}/remote-copy-relationships`),
    ]);
    const g = toVolumeGroupState(group);
    ctx.resource = `volume group "${g.name}"`;
    return toReplicationStatus(g, details, rels?.body, dateOf(rels));
  }

  // ---- clones and onboarding -------------------------------------------------------------

  /**
   * Drill clones through the v2 clone API: unreplicated, tagged, and known by the clone task's
   * answer (which clone is of which volume). Before a send is retried after a lost answer, the
   * clones the lost attempt may have made (they carry `tags`) are deleted.
   */
  async clone(
    ctx: Ctx,
    request: { readonly name: string; readonly volumeIds: readonly string[]; readonly tags: readonly string[] },
    opts?: OperationOptions,
  ): Promise<CloneResult> {
    const tagged = (v: VolumeState) => request.tags.every((t) => (v.userTags ?? []).includes(t));
    const sweep = async (): Promise<undefined> => {
      for (const v of (await this.access.listVolumes(ctx)).filter(tagged)) await this.access.deleteVolume(ctx, v.id);
      return undefined;
    };
    const out = await this.client.request(
      ctx,
      'POST',
      `${this.base(ctx, 2)}/volumes/clone`,
      { name: request.name, volumeIDs: request.volumeIds, targetReplicationEnabled: false, userTags: request.tags },
      sweep,
    );
    if ('adopted' in out) throw this.client.error(ctx, 'operation_failed', 'unexpected adoption of a clone');
    if (!ok(out.res.status)) throw this.client.responseError(ctx, out.res, out.attempts);
    const taskID = String((out.res.body as Record<string, unknown>)?.cloneTaskID ?? '');
    const read = async () => (await this.client.mustGet(ctx, `${this.base(ctx, 2)}/volumes/clone-tasks/${enc(taskID)}`)) as Record<string, unknown>;
    const task =
      opts?.wait === false
        ? await read()
        : await this.client.poll(
            ctx,
            read,
            (t) => t.status === 'completed',
            (t) => (t.status === 'failed' ? { code: 'operation_failed', detail: String(t.failedReason ?? 'the clone task failed') } : undefined),
            (t) => `${String(t.status)} ${String(t.percentComplete ?? '')}%`,
            'finish cloning',
            opts,
          );
    const cloned = Array.isArray(task.clonedVolumes) ? (task.clonedVolumes as Record<string, unknown>[]) : [];
    return { clones: cloned.map((c) => ({ sourceId: String(c.sourceVolumeID), cloneId: String(c.clonedVolumeID) })) };
  }

  /**
   * Onboards auxiliary copies into the call's workspace (POST volumes/onboarding), then waits for
   * the onboarding to finish. Copies already there (found by auxVolumeName) are not sent again.
   */
  async onboard(
    ctx: Ctx,
    sourceCrn: string,
    request: {
      readonly volumes: readonly { readonly auxVolumeName: string; readonly name?: string }[];
      readonly tags?: readonly string[];
    },
    opts?: OperationOptions,
  ): Promise<VolumeState[]> {
    const present = async () => {
      const byAux = new Map<string, VolumeState>();
      for (const v of await this.access.listVolumes(ctx)) if (v.auxiliary && v.auxVolumeName) byAux.set(v.auxVolumeName, v);
      return byAux;
    };
    let have = await present();
    const missing = request.volumes.filter((v) => !have.has(v.auxVolumeName));
    if (missing.length) {
      const body: Record<string, unknown> = {
        Volumes: [
          {
            sourceCRN: sourceCrn,
            auxiliaryVolumes: missing.map((v) => (v.name ? { auxVolumeName: v.auxVolumeName, name: v.name } : { auxVolumeName: v.auxVolumeName })),
          },
        ],
        description: `drctl: ${missing.length} auxiliary volume(s)`,
      };
      if (request.tags) body.userTags = request.tags;
      const out = await this.client.request(ctx, 'POST', `${this.base(ctx)}/volumes/onboarding`, body, async () => {
        const now = await present();
        return missing.every((v) => now.has(v.auxVolumeName)) ? now : undefined;
      });
      if (!('adopted' in out)) {
        if (!ok(out.res.status)) throw this.client.responseError(ctx, out.res, out.attempts);
        const id = String((out.res.body as Record<string, unknown>)?.id ?? '');
        const read = async () => (await this.client.mustGet(ctx, `${this.base(ctx)}/volumes/onboarding/${enc(id)}`)) as Record<string, unknown>;
        const done = await this.client.poll(
          ctx,
          read,
          (t) => t.status !== 'in-progress' && t.status !== 'running' && t.status !== 'pending',
          () => undefined,
          (t) => `${String(t.status)} ${String(t.progress ?? '')}%`,
          'finish onboarding',
          opts,
        );
        have = await present();
        const failures = ((done.results as Record<string, unknown> | undefined)?.volumeOnboardingFailures ?? []) as Record<string, unknown>[];
        const lost = missing.filter((v) => !have.has(v.auxVolumeName));
        if (lost.length) {
          throw this.client.error(
            ctx,
            'operation_failed',
            `onboarding did not bring ${lost.map((v) => v.auxVolumeName).join(', ')}${failures.length ? `: ${failures.map((f) => String(f.failureMessage)).join('; ')}` : ''}`,
          );
        }
      } else have = out.adopted;
    }
    return request.volumes.map((v) => have.get(v.auxVolumeName)!);
  }
}

export function isBusyConflict(e: unknown): boolean {
  return e instanceof ProviderError && e.code === 'conflict' && /updating|busy|booting|building|stopping/.test(e.detail);
}
