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
import type { ConsoleServices, DashboardStatus, DrActionName, DrApproval, RunResult } from '../../console/services.js';
import { Dashboard } from '../components/dashboard.js';
import { PlanView } from '../components/plan-view.js';
import { ConfirmPrompt } from '../components/confirm-prompt.js';
import { ManualStepView, RunApprovalView } from '../components/manual-step.js';
import { manualAnswer } from '../../../plan/runbook.js';
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
  /** A DR run waits for the operator: its runbook to approve, or a manual step. */
  | { readonly kind: 'approve'; readonly store: ProgressStore; readonly action: DrActionName; readonly ask: DrApproval }
  | { readonly kind: 'manual'; readonly store: ProgressStore; readonly group: string; readonly text: string; readonly unknown?: string }
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
  // What the operator has typed at a DR run's prompt (a ref too: keys typed fast arrive in one chunk).
  const [typed, setTypedState] = useState('');
  const typedRef = useRef('');
  const setTyped = (t: string) => {
    typedRef.current = t;
    setTypedState(t);
  };
  const [eventsWrap, setEventsWrap] = useState(true);
  const [, setClock] = useState(0);
  const busy = useRef(false);
  const abort = useRef<AbortController | undefined>(undefined);
  /** The answer a DR run waits for (its approval or a manual step); Ctrl-C answers no. */
  const waiting = useRef<((yes: boolean) => void) | undefined>(undefined);
  /** Why a DR run did not start (refused at its approval): said on the dashboard. */
  const refused = useRef<Message | undefined>(undefined);
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
    run: (sink: (e: ProgressEvent) => void, signal: AbortSignal, store: ProgressStore) => Promise<RunResult>,
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
    refused.current = undefined;
    afterStatus()
      .then(() => run(sinkFor(store), controller.signal, store))
      .catch((e: unknown): RunResult => ({ ok: false, summary: (e as Error).message }))
      .then((result) => {
        store.end();
        append([result.summary]);
        if (refused.current) home(refused.current);
        else setScreen({ kind: 'run', store, result });
      })
      .finally(() => {
        abort.current = undefined;
        waiting.current = undefined;
        busy.current = false;
        void refresh();
      });
  };

  /** A DR run: the operator approves its runbook as on the command line, and answers its manual steps. */
  const startDr = (action: DrActionName) => {
    const run = services.dr[action];
    if (!run) return setMessage({ text: `${action} is not available yet in this build.`, tone: 'warn' });
    const ask = <T,>(screen: Screen, answer: (yes: boolean) => T): Promise<T> =>
      new Promise((resolve) => {
        waiting.current = (yes) => {
          waiting.current = undefined;
          resolve(answer(yes));
        };
        setTyped('');
        setScreen(screen);
      });
    startRun(
      `drctl ${action}`,
      undefined,
      (sink, signal, store) =>
        run({
          sink,
          signal,
          approve: (a) => ask({ kind: 'approve', store, action, ask: a }, (yes) => yes),
          confirmManual: (group, text) => ask({ kind: 'manual', store, group, text }, (done) => done),
        }),
      [drProgressExtension()],
    );
  };

  /** The operator's answer to what a DR run waits for; the run's view comes back. */
  const answer = (store: ProgressStore, yes: boolean) => {
    setScreen({ kind: 'run', store });
    waiting.current?.(yes);
  };

  /** Enter at a DR run's prompt: the runbook's approval, or a manual step (an unknown answer asks again). */
  const enter = (screen: Extract<Screen, { kind: 'approve' | 'manual' }>) => {
    const text = typedRef.current;
    setTyped('');
    if (screen.kind === 'manual') {
      const meant = manualAnswer(text);
      return meant ? answer(screen.store, meant === 'done') : setScreen({ ...screen, unknown: text });
    }
    if (text === screen.ask.expected) return answer(screen.store, true);
    refuse(screen, text);
  };
  const refuse = (screen: Extract<Screen, { kind: 'approve' }>, text: string | undefined) => {
    const title = screen.action[0].toUpperCase() + screen.action.slice(1);
    const what = screen.ask.expected === 'yes' ? '"yes"' : `the site name "${screen.ask.expected}"`;
    refused.current = {
      text: text === undefined ? `${title} cancelled: nothing was changed.` : `${title} not started: "${text}" is not ${what}.`,
      tone: 'bad',
    };
    answer(screen.store, false);
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
        waiting.current?.(false); // a run waiting for an answer stops there
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
      case 'approve':
      case 'manual':
        // Routed here rather than to the prompt's own handler: a prompt a run raises (not a key)
        // is drawn before React subscribes a new component's keys, and the next key must count.
        if (key.escape && screen.kind === 'approve') return refuse(screen, undefined);
        if (key.return) return enter(screen);
        if (key.backspace || key.delete) return setTyped(typedRef.current.slice(0, -1));
        if (key.ctrl || key.meta || key.tab || key.escape || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
        for (const ch of input) {
          if (ch === '\r' || ch === '\n') return enter(screen);
          if (ch === '\u007f' || ch === '\b') setTyped(typedRef.current.slice(0, -1));
          else if (ch >= ' ') setTyped(typedRef.current + ch);
        }
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
    case 'approve': {
      const { ask } = screen;
      // The runbook's outline (phases, predicted RTO, replication, data loss, blockers), without the step lists.
      const outline = ask.runbook.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('       '));
      body = (
        <RunApprovalView
          outline={outline.slice(0, Math.max(1, bodyHeight - 5))}
          question={ask.question}
          expected={ask.expected}
          typed={typed}
          width={width}
          color={color}
        />
      );
      keys = [
        ['Enter', 'confirm'],
        ['Esc', 'cancel'],
      ];
      break;
    }
    case 'manual': {
      body = <ManualStepView group={screen.group} text={screen.text} typed={typed} unknown={screen.unknown} color={color} />;
      keys = [
        ['Enter', 'answer'],
        ['Ctrl-C', 'stop the run'],
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
