// What the DR commands (verify, failover, failback, drill, cleanup) share: the live line view of
// DR events, approval of a runbook, and the exit codes. No oclif here (their flags are data in
// flag-specs.ts).
import type { Terminal } from './terminal.js';
import type { DrEvent, VerifyReport } from '../lifecycle/index.js';
import type { Runbook } from '../plan/index.js';
import type { DrContext } from '../services/index.js';
import { diagnosticsToJson, isUserError, UserError, type Diagnostic } from '../diag/index.js';
import { askLine, engineContext, isPromptCancelled } from './engine.js';
import { views } from '../tui/index.js';

const SEVERITY = { info: '', warning: '\u001b[33m', critical: '\u001b[31m' } as const;

/** One line per DR event: time, severity, KSYS name, subject, message. */
export function drEventLine(e: DrEvent, color: boolean): string | undefined {
  if (e.name === 'machine.transition') return undefined;
  const t = `${(e.t / 1000).toFixed(1).padStart(6)}s`;
  const sev = e.severity === 'info' ? '' : `${e.severity.toUpperCase()} `;
  const text = `${t} ${sev}${e.name === 'run.step' ? '' : `${e.name} `}${e.message}`;
  return color && SEVERITY[e.severity] ? SEVERITY[e.severity] + text + '\u001b[0m' : text;
}

/** The DR commands, as their --json result names them. */
export type DrCommandName = 'verify' | 'drill' | 'failover' | 'failback' | 'cleanup';

/**
 * --json of every DR command, one shape (schemas/dr-run.schema.json): one JSON object per line
 * on stdout, each with a `type`. The run's events (`event`), its errors (`diagnostic`), then
 * exactly one `result`: the command, whether it succeeded, its exit code, a one-line summary,
 * and its data (verify's report, the drill or move record, what cleanup removed).
 */
export interface DrJson {
  diagnostics(diags: readonly Diagnostic[]): void;
  result(r: { readonly ok: boolean; readonly exitCode: number; readonly summary: string; readonly data?: unknown; readonly recordFile?: string }): void;
  /** An error escaping the command still ends the stream with a result (it is then reported as usual). */
  fail(err: unknown): void;
  /** Runs the command's body with fail() on what escapes it. */
  run(body: () => Promise<void>): Promise<void>;
}

export function drJsonEventLine(e: DrEvent): string {
  return JSON.stringify({ type: 'event', ...e }) + '\n';
}

export function drJson(term: Terminal, command: DrCommandName, enabled: boolean): DrJson {
  let done = false;
  const write = (o: unknown) => enabled && term.stdout.write(JSON.stringify(o) + '\n');
  const json: DrJson = {
    diagnostics: (diags) => {
      for (const d of diagnosticsToJson(diags)) write({ type: 'diagnostic', ...d });
    },
    result: (r) => {
      if (done) return;
      done = true;
      write({
        type: 'result',
        command,
        ok: r.ok,
        exit_code: r.exitCode,
        summary: r.summary,
        data: r.data ?? null,
        ...(r.recordFile ? { record_file: r.recordFile } : {}),
      });
    },
    fail: (err) => {
      const o = err as { code?: string; message?: string } | undefined;
      // An exit the command chose has its result written already.
      if (o?.code !== 'EEXIT') json.result({ ok: false, exitCode: isUserError(err) ? err.exitCode : 1, summary: o?.message ?? String(err) });
    },
    run: async (body) => {
      try {
        await body();
      } catch (err) {
        json.fail(err);
        throw err;
      }
    },
  };
  return json;
}

export function drContext(term: Terminal, json: boolean): DrContext {
  const out = json ? term.stdout : term.stderr;
  return {
    ...engineContext(() => undefined, term),
    drSink: (e) => {
      if (json) out.write(drJsonEventLine(e));
      else {
        const line = drEventLine(e, term.color);
        if (line) out.write(line + '\n');
      }
    },
  };
}

/** How a DR command shows its run: the live Ink view on a terminal, else lines (or --json) as drContext. */
export interface DrRunView {
  readonly ctx: DrContext;
  readonly live: boolean;
  /** Runs a prompt with the live view stepped aside (its last frame stays above the prompt). */
  aside<T>(prompt: () => Promise<T>): Promise<T>;
  /** Wraps a runbook approval: the view steps aside for it, and learns the runbook once approved. */
  approval(inner: ((rb: Runbook) => Promise<boolean>) | undefined): ((rb: Runbook) => Promise<boolean>) | undefined;
  verified(report: VerifyReport): void;
  /** The run's verdict and achieved RTO (model seconds), for the summary line. */
  result(ok: boolean, summary: string, actualSeconds?: number): void;
  pause(): void;
  /** Draws the final frame; call before writing results to stdout. */
  stop(): Promise<void>;
}

export async function drRunView(term: Terminal, json: boolean, title: string): Promise<DrRunView> {
  const { chooseEventView } = await views.choose();
  if (chooseEventView(term, json) !== 'ink') {
    return {
      ctx: drContext(term, json),
      live: false,
      aside: (p) => p(),
      approval: (a) => a,
      verified: () => undefined,
      result: () => undefined,
      pause: () => undefined,
      stop: async () => undefined,
    };
  }
  // Ink starts loading now (lazily, in the background) and overlaps the run's start-up.
  const [{ startLiveView }, dr] = await Promise.all([views.live(), views.drProgress()]);
  const view = startLiveView({
    stream: process.stderr,
    color: term.color,
    title,
    env: process.env,
    dr: true,
    redact: term.redactor && ((v) => term.redactor!.data(v)),
  });
  const aside = async <T>(prompt: () => Promise<T>): Promise<T> => {
    await view.pause();
    try {
      return await prompt();
    } finally {
      view.resume();
    }
  };
  return {
    ctx: { ...engineContext(() => undefined, term), drSink: (e) => view.sink(dr.drEvent(e)) },
    live: true,
    aside,
    approval: (inner) => async (rb) => {
      const ok = inner ? await aside(() => inner(rb)) : true;
      if (ok) view.sink(dr.runbookEvent(rb));
      return ok;
    },
    verified: (report) => view.sink(dr.verifyEvent(report)),
    result: (ok, summary, actualSeconds) => view.sink(dr.resultEvent(ok, summary, actualSeconds)),
    pause: () => view.pause(),
    stop: () => view.stop(),
  };
}

/** Unknown answers at one manual step before drctl stops asking (and stops the run there). */
const MANUAL_TRIES = 50;

/**
 * A manual step on a terminal: true once the operator says it is done ('done', 'yes', 'ok', …);
 * false when they stop the run there ('abort', Ctrl-C, end of input). Anything else asks again.
 */
export async function askManualStep(term: Terminal, group: string, text: string): Promise<boolean> {
  const { manualAnswer, MANUAL_ABORT_ANSWER } = await import('../plan/index.js');
  let question = `\nManual step after group ${group}:\n  ${text}\nType 'done' when it is finished, or '${MANUAL_ABORT_ANSWER}' to stop the run here (running the command again resumes and asks again): `;
  for (let i = 0; i < MANUAL_TRIES; i++) {
    let answer: string;
    try {
      answer = await askLine(term, question);
    } catch (e) {
      if (isPromptCancelled(e)) return false;
      throw e;
    }
    const meant = manualAnswer(answer);
    if (meant) return meant === 'done';
    question = `  "${answer}" is not an answer drctl knows here. Type 'done' (or yes, ok) when the step is finished, or '${MANUAL_ABORT_ANSWER}' to stop: `;
  }
  return false;
}

export function interactive(term: Terminal): boolean {
  return process.stdin.isTTY === true && term.stderr.isTTY === true;
}

/**
 * Approval of a runbook: -auto-approve, or "yes" on a terminal. An unplanned move needs more:
 * --force, or typing the target site's name after seeing the data-loss window.
 */
export function runbookApproval(
  term: Terminal,
  render: (rb: Runbook) => string,
  opts: { autoApprove: boolean; force: boolean },
): ((rb: Runbook) => Promise<boolean>) | undefined {
  return async (rb) => {
    term.stderr.write(render(rb));
    if (rb.unplanned && !opts.force) {
      if (!interactive(term)) throw new UserError('An unplanned failover can lose data and needs --force (the data-loss window is shown above).');
      const answer = await askLine(term, `\nType the target site (${rb.to}) to accept losing up to ${Math.round(rb.dataLossWindowSeconds)}s of writes: `);
      return answer === rb.to || answer === rb.to.replace(/^site\./, '');
    }
    if (opts.autoApprove || (rb.unplanned && opts.force)) return true;
    if (!interactive(term)) throw new UserError('This run needs approval, and there is no terminal to ask on.', ['Pass -auto-approve (as CI does).']);
    return (await askLine(term, "\nDo you want to run this?\n  Only 'yes' will be accepted.\n\n  Enter a value: ")) === 'yes';
  };
}
