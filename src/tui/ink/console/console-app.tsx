// The interactive console: a dashboard, and keys for plan → review → apply, the DR runs, events
// and help. Every action goes through ConsoleServices, the same services the commands call.
import { setMaxListeners } from 'node:events';
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { Box, Text, useInput } from 'ink';
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
  readonly now?: () => number;
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

export function ConsoleApp({ services, width, height, color, refreshMs = 10_000, now = () => performance.now(), onExit }: ConsoleAppProps) {
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
  const statusJson = useRef('');
  const busy = useRef(false);
  const abort = useRef<AbortController | undefined>(undefined);
  /** The answer a DR run waits for (its approval or a manual step); Ctrl-C answers no. */
  const waiting = useRef<((yes: boolean) => void) | undefined>(undefined);
  /** Why a DR run did not start (refused at its approval): said on the dashboard. */
  const refused = useRef<Message | undefined>(undefined);

  const append = useCallback((lines: readonly string[]) => setLog((l) => [...l, ...lines].slice(-LOG_KEPT)), []);

  // The status refresh in flight: it reads the cloud, so a run waits for it (one simulator per directory).
  const refreshing = useRef<Promise<void>>(Promise.resolve());
  const refresh = useCallback(() => (refreshing.current = readStatus()), [services]);
  const readStatus = async () => {
    try {
      const s = await services.status();
      // Same status, same state: no re-render, no flicker.
      const json = JSON.stringify(s);
      if (json !== statusJson.current) {
        statusJson.current = json;
        setStatus(s);
      }
    } catch (e) {
      setMessage({ text: `Status: ${(e as Error).message}`, tone: 'bad' });
    }
  };

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
    refreshing.current
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
    refreshing.current
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

  // The handler reads the screen through a ref: a key that arrives between a render and the
  // effect that re-subscribes the handler must act on the screen the operator sees.
  const current = useRef(screen);
  current.current = screen;
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
      body = <Dashboard status={status} width={width} color={color} />;
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
      body = (
        <PlanView
          text={screen.text}
          width={width}
          height={bodyHeight - 1}
          color={color}
          footer={screen.plan && hasChanges(screen.plan) ? 'a apply · Esc back' : 'Esc back'}
        />
      );
      keys =
        screen.plan && hasChanges(screen.plan)
          ? [
              ['a', 'apply these changes'],
              ['Esc', 'back'],
            ]
          : [['Esc', 'back']];
      break;
    case 'confirm-apply': {
      const s = screen.plan.summary;
      body = (
        <ConfirmPrompt
          question={`Apply ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy? drctl will perform the actions reviewed.`}
          expected="yes"
          color={color}
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
          footer="Esc back"
        />
      );
      keys = [['Esc', 'back']];
      break;
    case 'help':
      body = <HelpView available={(k) => !DR_KEYS[k] || services.dr[DR_KEYS[k]] !== undefined} />;
      keys = [['Esc', 'back']];
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
