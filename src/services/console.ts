// The console's services over the real engine: the dashboard's status, plan, apply and the DR
// runs, through the same use cases as the commands (planService, applyService, the DR runs).
// The console itself (tui/) only knows the ConsoleServices interface it is given.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigFs } from '../config/index.js';
import {
  views,
  type ConsoleServices,
  type DashboardStatus,
  type DrillResult,
  type DrRequest,
  type RpoReading,
  type RunResult,
  type RunSummary,
  type SiteStatus,
  type Sink,
} from '../tui/index.js';
import { SITE_KEY } from '../resources/index.js';
import { UserError } from '../diag/index.js';
import type { DrContext, EngineContext } from './context.js';
import type { Redactor } from '../redact/index.js';

type DrProgress = Awaited<ReturnType<typeof views.drProgress>>;

export interface RealServicesOptions {
  readonly cwd: string;
  readonly dir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fs: ConfigFs;
  readonly color: boolean;
  readonly width: () => number;
  readonly now?: () => number;
  /** The terminal's redactor: the console's runs hide what it hides. */
  readonly redactor?: Redactor;
}

function lifecycleValue(snapshot: unknown): string | undefined {
  if (typeof snapshot === 'string') return snapshot;
  if (!snapshot || typeof snapshot !== 'object') return undefined;
  const v = (snapshot as { value?: unknown }).value;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object')
    return Object.entries(v)
      .map(([k, sub]) => `${k}.${typeof sub === 'string' ? sub : '…'}`)
      .join(',');
  return undefined;
}

/** The run records under .drctl/runs (written by DR runs), newest first, read leniently. */
function runRecords(runsDir: string): { readonly file: string; readonly mtime: number; readonly j: Record<string, unknown> }[] {
  let files: string[];
  try {
    files = fs.readdirSync(runsDir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const out: { file: string; mtime: number; j: Record<string, unknown> }[] = [];
  for (const f of files) {
    try {
      const file = path.join(runsDir, f);
      const j = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      if (j && typeof j === 'object') out.push({ file: f, mtime: fs.statSync(file).mtimeMs, j });
    } catch {
      // A half-written or foreign file is not a run record.
    }
  }
  return out.sort((a, b) => b.mtime - a.mtime);
}

const endedAt = (j: Record<string, unknown>, mtime: number) =>
  typeof j.endedAt === 'string' ? j.endedAt : typeof j.finishedAt === 'string' ? j.finishedAt : typeof j.at === 'string' ? j.at : new Date(mtime).toISOString();

/** The newest drill record under .drctl/runs (written by DR runs), read leniently. */
export function lastDrill(runsDir: string): DrillResult | undefined {
  for (const { file: f, mtime, j } of runRecords(runsDir)) {
    const kind = String(j.kind ?? j.type ?? j.operation ?? '');
    if (!/drill/.test(kind) && !/drill/.test(f)) continue;
    const result = String(j.result ?? j.status ?? j.outcome ?? (j.passed === true ? 'passed' : j.passed === false ? 'failed' : 'unknown'));
    const rtoRecord = j.rto as { achievedModelSeconds?: unknown } | undefined;
    const rto =
      typeof rtoRecord?.achievedModelSeconds === 'number'
        ? rtoRecord.achievedModelSeconds
        : typeof j.rtoSeconds === 'number'
          ? j.rtoSeconds
          : typeof j.rto_seconds === 'number'
            ? j.rto_seconds
            : undefined;
    return { name: String(j.drill ?? j.name ?? f.replace(/\.json$/, '')), result, at: endedAt(j, mtime), rtoSeconds: rto };
  }
  return undefined;
}

/** The newest DR run of any kind (failover, failback, drill, cleanup) under .drctl/runs. */
export function lastRun(runsDir: string): RunSummary | undefined {
  const newest = runRecords(runsDir)[0];
  if (!newest) return undefined;
  const { j, mtime } = newest;
  return {
    kind: String(j.kind ?? 'run'),
    outcome: String(j.outcome ?? j.result ?? 'unknown'),
    at: endedAt(j, mtime),
    ...(typeof j.from === 'string' ? { from: j.from } : {}),
    ...(typeof j.to === 'string' ? { to: j.to } : {}),
  };
}

/** Ready to move when every volume group copies consistently within its RPO; the reasons when not. */
export function readinessOf(readings: readonly RpoReading[]): DashboardStatus['readiness'] {
  if (readings.length === 0) return undefined;
  const reasons: string[] = [];
  for (const r of readings) {
    if (r.state !== 'consistent_copying') reasons.push(`${r.volumeGroup} is ${r.state ?? 'in an unknown state'}`);
    else if (r.lagSeconds !== undefined && r.rpoSeconds !== undefined && r.lagSeconds > r.rpoSeconds)
      reasons.push(`${r.volumeGroup} lags ${Math.round(r.lagSeconds)}s, over its RPO of ${r.rpoSeconds}s`);
  }
  return { ready: reasons.length === 0, reasons };
}

/**
 * Calls `onChange` (at most once per `settleMs`) when a *.hcl file in `dir` changes. A
 * platform that cannot watch (no inotify left) simply never calls it: the periodic refresh
 * still runs.
 */
export function watchConfigDir(dir: string, onChange: () => void, settleMs = 150): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
      if (name !== null && !String(name).endsWith('.hcl')) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, settleMs);
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    return () => undefined;
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}

/**
 * `drctl console` may start: the identity has "console" in the current workspace (each key then
 * needs the permission of what it runs, checked by that service). A denial is recorded.
 */
export async function checkConsoleAccess(opts: Pick<RealServicesOptions, 'cwd' | 'dir' | 'env'>): Promise<void> {
  const { locateStorage } = await import('./state-location.js');
  const { openWorkspace } = await import('./workspace.js');
  // A console opened where there is no configuration yet still checks against the default store.
  const dir = fs.existsSync(path.resolve(opts.cwd, opts.dir)) ? opts.dir : undefined;
  const where = locateStorage({ dir, statePath: undefined, cwd: opts.cwd, env: opts.env });
  if (!('settings' in where)) throw new UserError(where.message);
  const ws = await openWorkspace(where.settings, { cwd: opts.cwd, env: opts.env });
  try {
    await ws.allow(['console'], 'console');
  } finally {
    await ws.close();
  }
}

/** The console's services over the real engine, in the directory `dir` under `cwd`. */
export function realConsoleServices(opts: RealServicesOptions): ConsoleServices {
  const now = opts.now ?? (() => performance.now());
  const ctx = (sink: Sink): EngineContext => ({ cwd: opts.cwd, env: opts.env, fs: opts.fs, now, sink: sink as EngineContext['sink'], redactor: opts.redactor });
  const planOptions = { dir: opts.dir, vars: [], refresh: true, destroy: false, targets: [], replace: [] } as const;
  // The DR runs through the same services as `drctl verify|drill|failover|failback`; their events
  // reach the live view as `dr.*` progress events.
  const drOptions = { dir: opts.dir, vars: [], lockTimeoutMs: 0 } as const;
  const drCtx = (sink: Sink, drEvent: DrProgress['drEvent']): DrContext => ({ ...ctx(sink), drSink: (e) => sink(drEvent(e)) });

  return {
    async status() {
      const { loadForEngine } = await import('./config.js');
      const { openWorkspace } = await import('./workspace.js');
      const problems: string[] = [];
      const loaded = loadForEngine(
        ctx(() => undefined),
        opts.dir,
        [],
      );
      const config = loaded.config;
      if (!config) {
        const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary);
        return { configDir: opts.dir, sites: [], volumeGroups: [], resources: 0, problems: errors.length ? errors : ['The configuration has errors.'] };
      }
      const { readState, StateMissingError } = await import('../state/index.js');
      let state: Awaited<ReturnType<typeof readState>>['state'] | undefined;
      let lockedBy: string | undefined;
      try {
        const ws = await openWorkspace(config.settings, { cwd: opts.cwd, env: opts.env });
        try {
          // Checked without an audit record: the dashboard refreshes every few seconds.
          const decision = ws.access.check('state-read', ws.name);
          if (!decision.allowed) problems.push(`State: ${decision.message}`);
          else {
            const backend = ws.backend();
            try {
              try {
                // A run in progress elsewhere (another terminal, CI) holds the lock: say who.
                const lock = await backend.readLock();
                if (lock) lockedBy = `${lock.holder} (${lock.operation}, pid ${lock.pid} on ${lock.host}) since ${lock.created}`;
              } catch {
                // An unreadable lock is the next run's to report.
              }
              state = (await readState(backend)).state;
            } finally {
              await backend.close();
            }
          }
        } finally {
          await ws.close();
        }
      } catch (e) {
        if (!(e instanceof StateMissingError)) problems.push(`State: ${(e as Error).message}`);
      }
      // DR runs keep one site machine for the pair (key "sites"): its context says where
      // production runs now, which is what the dashboard must show after a failover.
      const pair = state?.lifecycles[SITE_KEY] as { context?: { active?: string } } | undefined;
      const activeNow = pair?.context?.active;
      const pairState = lifecycleValue(pair);
      const sites: SiteStatus[] = [...config.sites.values()].map((s) => {
        const isActive = activeNow === undefined ? s.role === 'active' : activeNow === s.address || activeNow === s.name;
        return {
          name: s.name,
          location: s.location,
          role: isActive ? 'active' : 'standby',
          lifecycle: lifecycleValue(state?.lifecycles[s.address]) ?? (isActive ? pairState : undefined),
        };
      });

      // Replication health, read through the provider, for the volume groups state holds.
      const volumeGroups: RpoReading[] = [];
      const groups = (state?.resources ?? []).filter((r) => r.type === 'volume_group');
      const rpoOf = (address: string) => {
        const vg = config.volumeGroups.get(address);
        return vg ? config.replicationPolicies.get(vg.policy)?.rpoSeconds : undefined;
      };
      if (groups.length) {
        const { connectCloud } = await import('./cloud.js');
        try {
          const cloud = await connectCloud(config, { cwd: opts.cwd, env: opts.env });
          try {
            for (const g of groups) {
              const workspace = String(g.attributes.workspace ?? '');
              try {
                const r = await cloud.provider.replicationStatus(workspace, g.id);
                volumeGroups.push({ volumeGroup: g.name, lagSeconds: r.lagSeconds, rpoSeconds: rpoOf(g.address), state: r.state });
              } catch (e) {
                volumeGroups.push({ volumeGroup: g.name, rpoSeconds: rpoOf(g.address), state: 'unreachable' });
                problems.push(`${g.address}: ${(e as Error).message}`);
              }
            }
          } finally {
            await cloud.close();
          }
        } catch (e) {
          problems.push(`Cloud: ${(e as Error).message}`);
          for (const g of groups) volumeGroups.push({ volumeGroup: g.name, rpoSeconds: rpoOf(g.address), state: 'unknown' });
        }
      }

      // Pending changes: a plan against recorded state, without reading the cloud (cheap, no lock).
      let pendingChanges: number | undefined;
      try {
        const { makePlan } = await import('../plan/index.js');
        const plan = await makePlan({
          config,
          state: state ?? null,
          refresh: false,
          destroy: false,
          targets: [],
          replace: [],
          parallelism: 10,
          drctlVersion: '',
          emit: () => undefined,
        });
        pendingChanges = plan.changes.filter((c) => c.action !== 'no-op').length;
      } catch (e) {
        problems.push(`Plan: ${(e as Error).message}`);
      }
      const runsDir = path.resolve(opts.cwd, '.drctl/runs');
      const readiness = readinessOf(volumeGroups);
      const run = lastRun(runsDir);
      return {
        configDir: opts.dir,
        readAt: new Date().toISOString(),
        ...(readiness ? { readiness } : {}),
        ...(run ? { lastRun: run } : {}),
        ...(lockedBy ? { lockedBy } : {}),
        sites,
        volumeGroups,
        lastDrill: lastDrill(runsDir),
        pendingChanges,
        stateSerial: state?.serial,
        resources: state?.resources.length ?? 0,
        problems,
      };
    },

    async plan(sink) {
      const { planService } = await import('./engine.js');
      // The renderer is not in plan/index.ts (see there): loaded when a plan is drawn.
      const { renderPlanText } = await import('../plan/render-text.js');
      const { renderDiagnosticsText } = await views.diagnostics();
      const outcome = await planService(planOptions, ctx(sink));
      const diags = renderDiagnosticsText(outcome.diagnostics, outcome.sources, opts.color, opts.width());
      if (!outcome.plan) return { text: diags || 'The configuration has errors.\n' };
      return { plan: outcome.plan, text: diags + renderPlanText(outcome.plan, { color: opts.color, width: opts.width() }) };
    },

    async apply(plan, sink, signal) {
      const { applyService } = await import('./engine.js');
      const { encodePlanFile } = await import('../plan/index.js');
      // Applying the reviewed plan through a plan file, as `drctl apply plan.bin` does: if the
      // state moved on since the review, the engine refuses instead of applying something else.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drctl-console-'));
      const file = path.join(dir, 'reviewed.plan');
      fs.writeFileSync(file, encodePlanFile(plan));
      try {
        const outcome = await applyService({ ...planOptions, dir: '', planFile: file, lockTimeoutMs: 0, signal, operation: 'apply (console)' }, ctx(sink));
        const r = outcome.result;
        if (!r) return { ok: false, summary: outcome.diagnostics.map((d) => d.summary).join('; ') || 'Apply did not run.' };
        const ok = r.failed === 0 && r.cancelled === 0;
        const summary = `Apply ${ok ? 'complete' : r.interrupted ? 'interrupted' : 'finished with errors'}! ${r.succeeded} succeeded, ${r.failed} failed, ${r.skipped} skipped${r.cancelled ? `, ${r.cancelled} not started` : ''}.`;
        return { ok, summary, interrupted: r.interrupted };
      } catch (e) {
        return { ok: false, summary: (e as Error).message };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },

    dr: {
      async verify({ sink }) {
        const { verifyService } = await import('./dr.js');
        const { drEvent, resultEvent, verifyEvent } = await views.drProgress();
        const out = await verifyService(drOptions, drCtx(sink, drEvent));
        const r = out.report;
        if (!r) return { ok: false, summary: failedToOpen(out.diagnostics) };
        sink(verifyEvent(r));
        const failed = r.checks.filter((c) => !c.ok).length;
        const summary = r.ready ? `Ready: production at ${short(r.active)} can move to ${short(r.standby)}.` : `Not ready: ${failed} check(s) failed.`;
        sink(resultEvent(r.ready, summary));
        return { ok: r.ready, summary };
      },

      async drill({ sink, signal, approve }) {
        const { drillService } = await import('./dr.js');
        const { drEvent, resultEvent, runbookEvent } = await views.drProgress();
        const { describeRto, renderRunbook } = await import('../plan/runbook.js');
        const out = await drillService(
          {
            ...drOptions,
            signal,
            // As `drctl drill` asks: the runbook, then "yes".
            approve: async (rb) => {
              const ok = approve
                ? await approve({
                    question: `Run this drill at site "${short(rb.to)}"? Production is not touched.`,
                    runbook: renderRunbook(rb),
                    expected: 'yes',
                  })
                : true;
              if (ok) sink(runbookEvent(rb));
              return ok;
            },
          },
          drCtx(sink, drEvent),
        );
        const r = out.record;
        if (!r) return { ok: false, summary: out.cancelled ? 'Drill cancelled: nothing was changed.' : failedToOpen(out.diagnostics) };
        const rto = ` ${describeRto(r.rto)}.`;
        const summary = `Drill ${r.drill} ${r.outcome}${r.failure ? ` (${r.failure.step}: ${r.failure.message})` : ''}.${rto} Cleanup removed ${r.cleanup.vms} VM(s), ${r.cleanup.volumes} clone(s).`;
        sink(resultEvent(r.outcome === 'passed', summary, r.rto.achievedSeconds));
        return { ok: r.outcome === 'passed', summary, interrupted: r.outcome === 'cancelled' };
      },

      failover: (req) => move('failover', req),
      failback: (req) => move('failback', req),
    },

    watch: (onChange) => watchConfigDir(path.resolve(opts.cwd, opts.dir), onChange),
  };

  async function move(kind: 'failover' | 'failback', { site, sink, signal, approve, confirmManual }: DrRequest): Promise<RunResult> {
    const { moveService } = await import('./dr.js');
    const { drEvent, resultEvent, runbookEvent } = await views.drProgress();
    const { describeRto, renderRunbook } = await import('../plan/runbook.js');
    let refused: string | undefined;
    const out = await moveService(
      kind,
      {
        ...drOptions,
        signal,
        // The operator confirms by typing the site production moves to, having seen the runbook.
        approve: async (rb) => {
          if (site !== undefined && short(rb.to) !== site) {
            refused = `${kind} not started: it would move production to ${short(rb.to)}, not to the confirmed site ${site}.`;
            return false;
          }
          const to = short(rb.to);
          const question =
            kind === 'failover'
              ? `Fail over production to site "${to}"? Workloads stop on the active site and start on ${to}.`
              : `Fail back production to site "${to}"? Workloads stop at ${short(rb.from)} and start on ${to}.`;
          if (approve && !(await approve({ question, runbook: renderRunbook(rb), expected: to }))) return false;
          sink(runbookEvent(rb));
          return true;
        },
        // A failover from the console stops at a manual step, as on a terminal.
        confirmManual,
      },
      drCtx(sink, drEvent),
    );
    const m = out.move;
    if (!m) return { ok: false, summary: failedToOpen(out.diagnostics) };
    if (m.cancelled) return { ok: false, summary: refused ?? `${kind} cancelled.` };
    const r = m.record;
    if (!r) return { ok: m.ok, summary: m.message ?? `${kind}: nothing to do.` };
    const title = kind[0].toUpperCase() + kind.slice(1);
    const summary = `${title} ${r.outcome}: ${short(r.from)} → ${short(r.to)}. ${describeRto(r.rto)}.${r.failures.length ? ` ${r.failures[0]}` : ''}`;
    sink(resultEvent(m.ok, summary, r.rto.achievedSeconds));
    return { ok: m.ok, summary, interrupted: r.outcome === 'interrupted' };
  }
}

const short = (site: string) => site.replace(/^site\./, '');

function failedToOpen(diagnostics: readonly { severity: string; summary: string }[]): string {
  return (
    diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => d.summary)
      .join('; ') || 'The run did not start.'
  );
}
