// What plan, apply and show share on the way out: the live view on a terminal, and a plan
// written as text or JSON. No oclif here (the fast start path uses it).
// Direct imports, not the services and tui facades: plan and apply start from one bundle of
// all they can reach (the fast path, a measured start-up), and the facades reach every use case and ink.
import type { Terminal } from './terminal.js';
import type { Plan } from '../plan/index.js';
import type { LiveView } from '../tui/index.js';
import { UserError } from '../diag/index.js';

/**
 * On a terminal (and without --json) the live Ink view, started now: ink loads in its worker
 * while the engine starts up, and the view folds events until it can draw.
 */
export async function startRunView(term: Terminal, json: boolean, title: string): Promise<LiveView | undefined> {
  const { chooseEventView } = await import('../tui/views/choose.js');
  if (chooseEventView(term, json) !== 'ink') return undefined;
  return (await import('../tui/views/live-view.js')).startLiveView({
    stream: process.stderr,
    color: term.color,
    title,
    env: process.env,
    redact: term.redactor && ((v) => term.redactor!.data(v)),
  });
}

/** A plan on stdout: plan JSON (docs/plan-json.md) with --json, else Terraform-style text. The renderers are loaded here, not through plan/index.ts (see there). */
export async function writePlan(term: Terminal, plan: Plan, json: boolean): Promise<void> {
  if (json) {
    const { planToJson } = await import('../plan/render-json.js');
    term.stdout.write(JSON.stringify(planToJson(plan)) + '\n');
  } else {
    const { renderPlanText } = await import('../plan/render-text.js');
    term.stdout.write(renderPlanText(plan, { color: term.color, width: term.width }));
  }
}

/** A plan as a pull-request comment, within `limit` characters; a comment that leaves details out names `drctl show FILE` to see them. */
export async function writePlanMarkdown(term: Terminal, plan: Plan, opts: { readonly limit?: number; readonly file: string }): Promise<void> {
  const { renderPlanMarkdown } = await import('../plan/render-markdown.js');
  term.stdout.write(renderPlanMarkdown(plan, { limit: opts.limit, fullPlanCommand: `drctl show ${opts.file}` }));
}

/** -limit sizes a markdown comment; alone it would be silently ignored. */
export function checkMarkdownLimit(flags: { readonly markdown: boolean; readonly limit?: number }): void {
  if (flags.limit !== undefined && !flags.markdown) throw new UserError('-limit sizes the markdown comment: use it with --markdown.');
}
