// The interactive console: a live dashboard (re-read on a period and when a .hcl file changes),
// and keys for plan → review → apply, the DR runs, events and help. Every action goes through
// ConsoleServices, the same services the commands call. q closes any sub-view, as in less.
import { setMaxListeners } from 'node:events';
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { Box, Text, useInput, type Key } from 'ink';
import type { EngineEvent, Plan } from '../../../plan/index.js';
// Direct, not the plan facade (which brings its engine): views load only what they draw with, and
// the live view's worker starts from them (a measured start-up, bench/tui.bench.mjs).
import { hasChanges } from '../../../plan/plan.js';
import { ProgressStore, type ProgressEvent, type ProgressExtension } from '../../progress/model.js';
import { drEventLines, drProgressExtension } from '../../progress/dr.js';
import { placementFromPlan } from '../../progress/placement.js';
import { plainEventLine } from '../../views/plain.js';
import type { ConsoleServices, DashboardStatus, DrActionName, RunResult } from '../../console/services.js';
import { Dashboard } from '../components/dashboard.js';
import { PlanView } from '../components/plan-view.js';
import { ConfirmPrompt } from '../components/confirm-prompt.js';
import { HelpView } from '../components/help-view.js';
import { KeyBar } from '../components/key-bar.js';
import { RunView } from './run-view.js';
import { colourProps, fit } from '../theme.js';

export interface ConsoleAppProps {
  readonly services: ConsoleServices;
  readonly width: number;
  readonly height: number;
  readonly color: boolean;
  /** Status refresh period on the dashboard, ms; 0 turns it off. */
  readonly refreshMs?: number;
  /** How often the dashboard's relative times ("3 min ago") are redrawn, ms; 0 turns it off. */
  readonly clockMs?: number;
  /** Monotonic ms, for run timers. */
  readonly now?: () => number;
  /** Wall-clock ms, for the dashboard's "3 min ago" (default Date.now). */
  readonly wallNow?: () => number;
  /** The console is done: 0 for q, 130 for a second Ctrl-C during a run. */
  readonly onExit: (code: number) => void;
}

type Screen =
  | { readonly kind: 'dashboard' }
  | { readonly kind: 'planning'; readonly store: ProgressStore; readonly thenApply: boolean }
  | { readonly kind: 'review'; readonly plan: Plan | undefined; readonly text: string; readonly thenApply: boolean }
  | { readonly kind: 'confirm-apply'; readonly plan: Plan }
  | { readonly kind: 'run'; readonly store: ProgressStore; readonly result?: RunResult }
  | { readonly kind: 'confirm-failover'; readonly site: string }
  | { readonly kind: 'events' }
  | { readonly kind: 'help' };

interface Message {
  readonly text: string;
  readonly tone: 'info' | 'warn' | 'bad';
}

const DR_KEYS: Readonly<Record<string, DrActionName>> = { v: 'verify', d: 'drill', f: 'failover', b: 'failback' };
const LOG_KEPT = 1000;
/** The pager's own keys (plan review and events); the rest are in `?`. */
const PAGER_KEYS = [
  ['j/k', 'scroll'],
  ['g/G', 'top/end'],
  ['/', 'search'],
] as const;

export function ConsoleApp({
  services,
  width,
  height,
  color,
  refreshMs = 10_000,
  clockMs = 15_000,
  now = () => performance.now(),
  wallNow = Date.now,
  onExit,
}: ConsoleAppProps) {
  const [screen, setScreen] = useState<Screen>({ kind: 'dashboard' });
  const [status, setStatus] = useState<DashboardStatus | undefined>();
  const [message, setMessage] = useState<Message | undefined>();
  const [log, setLog] = useState<readonly string[]>([]);
  const [eventsWrap, setEventsWrap] = useState(true);
  const [, setClock] = useState(0);
  const busy = useRef(false);
  const abort = useRef<AbortController | undefined>(undefined);
  // The pager takes every key while a search is typed (q, a and Esc are text then).
  const capturing = useRef(false);
  const inflight = useRef<Promise<void> | undefined>(undefined);
  const again = useRef(false);

  const append = useCallback((lines: readonly string[]) => setLog((l) => [...l, ...lines].slice(-LOG_KEPT)), []);

  /** Reads the status; a request while one is in flight is served by one more read after it, never two at once. */
  const refresh = useCallback((): Promise<void> => {
    if (inflight.current) {
      again.current = true;
      return inflight.current;
    }
    const readAll = async () => {
      do {
        again.current = false;
        try {
          setStatus(await services.status());
        } catch (e) {
          setMessage({ text: `Status: ${(e as Error).message}`, tone: 'bad' });
        }
        // A run that started meanwhile reads the status itself when it ends.
      } while (again.current && !busy.current);
    };
    inflight.current = readAll().finally(() => (inflight.current = undefined));
    return inflight.current;
  }, [services]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!refreshMs || screen.kind !== 'dashboard') return;
    const timer = setInterval(() => {
      if (!busy.current) void refresh();
    }, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, screen.kind, refresh]);

  // A changed .hcl file changes what is pending: read again (after the run, when one is going).
  useEffect(
    () =>
      services.watch?.(() => {
        if (!busy.current) void refresh();
      }),
    [services, refresh],
  );

  // "3 min ago" grows older without a new status.
  useEffect(() => {
    if (!clockMs || screen.kind !== 'dashboard') return;
    const timer = setInterval(() => setClock((c) => c + 1), clockMs);
    return () => clearInterval(timer);
  }, [clockMs, screen.kind]);

  /**
   * Resolves once no status read is in flight. A run waits for it: both talk to the cloud, and
   * the embedded simulator's directory takes one user at a time.
   */
  const afterStatus = () => (inflight.current ?? Promise.resolve()).catch(() => undefined);

  /** A sink that feeds the live store and keeps the events log in the plain view's words. */
  const sinkFor = (store: ProgressStore) => {
    const pending: string[] = [];
    let flushing = false;
    return (e: ProgressEvent) => {
      store.dispatch(e);
      const dr = drEventLines(e);
      const line = dr ? undefined : plainEventLine(e as EngineEvent, false);
      if (dr) pending.push(...dr);
      else if (line !== undefined) pending.push(line);
      if (!pending.length) return;
      if (!flushing) {
        flushing = true;
        setImmediate(() => {
          flushing = false;
          append(pending.splice(0));
        });
      }
    };
  };

  const startPlan = (thenApply: boolean) => {
    const store = new ProgressStore({ now, title: 'Planning: refreshing from the cloud' });
    setScreen({ kind: 'planning', store, thenApply });
    setMessage(undefined);
    busy.current = true;
    afterStatus()
      .then(() => services.plan(sinkFor(store)))
      .then((r) => setScreen({ kind: 'review', plan: r.plan, text: r.text, thenApply }))
      .catch((e: unknown) => {
        setScreen({ kind: 'dashboard' });
        setMessage({ text: `Plan failed: ${(e as Error).message}`, tone: 'bad' });
      })
      .finally(() => (busy.current = false));
  };

  const startRun = (
    title: string,
    plan: Plan | undefined,
    run: (sink: (e: ProgressEvent) => void, signal: AbortSignal) => Promise<RunResult>,
    extensions?: readonly ProgressExtension[],
  ) => {
    const store = new ProgressStore({ now, title, extensions });
    if (plan)
      store.setPlan(
        placementFromPlan(plan),
        plan.changes.filter((c) => c.action !== 'no-op').map((c) => c.address),
        plan.recovery[0] && { plan: plan.recovery[0].plan, predictedSeconds: plan.recovery[0].predictedSeconds, targetSeconds: plan.recovery[0].targetSeconds },
      );
    const controller = new AbortController();
    // A run's calls in flight each listen for the abort: many listeners by design.
    setMaxListeners(0, controller.signal);
    abort.current = controller;
    busy.current = true;
    setMessage(undefined);
    setScreen({ kind: 'run', store });
    append([`— ${title}`]);
    afterStatus()
      .then(() => run(sinkFor(store), controller.signal))
      .catch((e: unknown): RunResult => ({ ok: false, summary: (e as Error).message }))
      .then((result) => {
        store.end();
        append([result.summary]);
        setScreen({ kind: 'run', store, result });
      })
      .finally(() => {
        abort.current = undefined;
        busy.current = false;
        void refresh();
      });
  };

  const startDr = (action: DrActionName, site?: string) => {
    const run = services.dr[action];
    if (!run) return setMessage({ text: `${action} is not available yet in this build.`, tone: 'warn' });
    startRun(`drctl ${action}${site ? ` → ${site}` : ''}`, undefined, (sink, signal) => run({ site, sink, signal }), [drProgressExtension()]);
  };

  const home = (m?: Message) => {
    setScreen({ kind: 'dashboard' });
    setMessage(m);
  };
  const onCapture = (on: boolean) => void (capturing.current = on);

  // The handler reads the screen through a ref: a key that arrives between a render and the
  // effect that re-subscribes the handler must act on the screen the operator sees.
  const current = useRef(screen);
  current.current = screen;
  // One subscription for the whole console: the pager or prompt on screen gets its keys through
  // this route, set as it renders, so a key pressed the moment a view appears reaches it.
  const childKeys = useRef<((input: string, key: Key) => void) | undefined>(undefined);
  childKeys.current = undefined;
  useInput((input, key) => {
    const screen = current.current;
    if (key.ctrl && input === 'c') {
      // As the commands do: the first Ctrl-C stops new work, the second leaves at once.
      if (abort.current && !abort.current.signal.aborted) {
        abort.current.abort();
        setMessage({ text: 'Interrupt received: no new work starts; waiting for what is in flight. Ctrl-C again exits at once.', tone: 'warn' });
        return;
      }
      return onExit(130);
    }
    // A search being typed takes every key, including the Enter or Esc that ends it.
    const searching = capturing.current;
    childKeys.current?.(input, key);
    if (searching) return;
    switch (screen.kind) {
      case 'dashboard':
        if (input === 'q') return onExit(0);
        if (input === 'p') return startPlan(false);
        if (input === 'a') return startPlan(true);
        if (input === 'e') return setScreen({ kind: 'events' });
        if (input === '?') return setScreen({ kind: 'help' });
        if (input === 'f') {
          if (!services.dr.failover) return setMessage({ text: 'failover is not available yet in this build.', tone: 'warn' });
          const target = status?.sites.find((s) => s.role !== 'active')?.name;
          if (!target) return setMessage({ text: 'There is no standby site to fail over to.', tone: 'warn' });
          return setScreen({ kind: 'confirm-failover', site: target });
        }
        if (DR_KEYS[input]) return startDr(DR_KEYS[input]);
        return;
      case 'review':
        if (key.escape || input === 'q') return home();
        if (input === 'a' && screen.plan) {
          if (screen.plan.errored) return setMessage({ text: 'This plan has errors and cannot be applied.', tone: 'bad' });
          if (!hasChanges(screen.plan)) return home({ text: 'No changes to apply.', tone: 'info' });
          return setScreen({ kind: 'confirm-apply', plan: screen.plan });
        }
        return;
      case 'run':
        if (screen.result) home();
        return;
      case 'events':
        if (key.escape || input === 'q') return home();
        if (input === 'w') return setEventsWrap((w) => !w);
        return;
      case 'help':
        if (key.escape || input === 'q' || input === '?' || key.return) home();
        return;
      default:
        return;
    }
  });

  const bodyHeight = Math.max(5, height - 3);
  let body: ReactElement;
  let keys: readonly (readonly [string, string])[];
  switch (screen.kind) {
    case 'dashboard':
      body = <Dashboard status={status} width={width} color={color} now={wallNow} />;
      keys = [
        ['p', 'plan'],
        ['a', 'apply'],
        ['v', 'verify'],
        ['d', 'drill'],
        ['f', 'failover'],
        ['b', 'failback'],
        ['e', 'events'],
        ['?', 'help'],
        ['q', 'quit'],
      ];
      break;
    case 'planning':
      body = <RunView store={screen.store} width={width} height={bodyHeight} color={color} />;
      keys = [['Ctrl-C', 'quit']];
      break;
    case 'review':
      body = <PlanView text={screen.text} width={width} height={bodyHeight - 1} color={color} onCapture={onCapture} keyRoute={childKeys} />;
      keys = [...PAGER_KEYS, ...(screen.plan && hasChanges(screen.plan) ? ([['a', 'apply']] as const) : []), ['q', 'back']];
      break;
    case 'confirm-apply': {
      const s = screen.plan.summary;
      body = (
        <ConfirmPrompt
          question={`Apply ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy? drctl will perform the actions reviewed.`}
          expected="yes"
          color={color}
          keyRoute={childKeys}
          onConfirm={() => startRun('drctl apply', screen.plan, (sink, signal) => services.apply(screen.plan, sink, signal))}
          onRefuse={() => home({ text: 'Apply cancelled: nothing was changed.', tone: 'warn' })}
        />
      );
      keys = [
        ['Enter', 'confirm'],
        ['Esc', 'cancel'],
      ];
      break;
    }
    case 'run':
      body = <RunView store={screen.store} width={width} height={bodyHeight} color={color} result={screen.result} />;
      keys = screen.result ? [['any key', 'back']] : [['Ctrl-C', 'stop (twice: exit now)']];
      break;
    case 'confirm-failover': {
      const site = screen.site;
      body = (
        <ConfirmPrompt
          question={`Fail over production to site "${site}"? Workloads stop on the active site and start on ${site}.`}
          expected={site}
          color={color}
          keyRoute={childKeys}
          onConfirm={() => startDr('failover', site)}
          onRefuse={(typed) =>
            home({ text: typed === undefined ? 'Failover cancelled.' : `Failover not started: "${typed}" is not the site name "${site}".`, tone: 'bad' })
          }
        />
      );
      keys = [
        ['Enter', 'confirm'],
        ['Esc', 'cancel'],
      ];
      break;
    }
    case 'events':
      body = (
        <PlanView
          text={log.length ? log.join('\n') : 'No events yet: run a plan or an apply.'}
          width={width}
          height={bodyHeight - 1}
          color={color}
          wrap={eventsWrap}
          start="end"
          onCapture={onCapture}
          keyRoute={childKeys}
        />
      );
      keys = [...PAGER_KEYS, ['w', eventsWrap ? 'no wrap' : 'wrap'], ['q', 'back']];
      break;
    case 'help':
      body = <HelpView available={(k) => !DR_KEYS[k] || services.dr[DR_KEYS[k]] !== undefined} />;
      keys = [['q', 'back']];
      break;
  }
  const toneColour = message?.tone === 'bad' ? 'red' : message?.tone === 'warn' ? 'yellow' : 'cyan';
  return (
    <Box flexDirection="column" width={width} height={height - 1}>
      <Text bold={color} {...colourProps(color, 'blue')}>
        {fit(`drctl console · ${status?.configDir ?? ''}`, width)}
      </Text>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {body}
      </Box>
      {message ? <Text {...colourProps(color, toneColour)}>{fit(message.text, width)}</Text> : null}
      <KeyBar keys={keys} width={width} color={color} />
    </Box>
  );
}
