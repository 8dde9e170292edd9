// Which event view a command draws: Ink only on an interactive terminal; plain lines for CI,
// pipes and dumb terminals; NDJSON with --json. Deciding needs no ink, so it lives here.
export interface ViewTerminal {
  readonly stderr: { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type EventViewKind = 'ink' | 'plain' | 'json';

export function chooseEventView(term: ViewTerminal, json: boolean): EventViewKind {
  if (json) return 'json';
  if (term.stderr.isTTY !== true) return 'plain';
  if (term.env.TERM === 'dumb' || term.env.DRCTL_PLAIN === '1') return 'plain';
  return 'ink';
}

/**
 * The width plain lines are cut to: the terminal's; without one, COLUMNS when set explicitly
 * (a CI log otherwise keeps lines whole, ids included).
 */
export function plainWidth(term: ViewTerminal & { readonly width: number }): number {
  if (term.stderr.isTTY === true) return term.width;
  const cols = Number(term.env.COLUMNS);
  return Number.isInteger(cols) && cols > 0 ? cols : 0;
}

/**
 * Call before the first import of ink: React's development build records an owner stack for
 * every element (tens of µs each), which tripled a 2,000-VM apply. A CLI runs React's production build.
 */
export function preferProductionReact(env: Record<string, string | undefined>): void {
  env.NODE_ENV ??= 'production';
}
