// The console's keys.
import { Box, Text } from 'ink';

export const CONSOLE_KEYS: readonly (readonly [string, string])[] = [
  ['p', 'plan: refresh, diff, and review the changes'],
  ['a', 'apply: plan, review, confirm with "yes", then apply'],
  ['v', 'verify: readiness checks (replication, capacity, networks)'],
  ['d', 'drill: a rehearsal on the test network, always cleaned up'],
  ['f', 'failover: type the target site name to confirm'],
  ['b', 'failback: move back to the home site'],
  ['e', 'events of the runs in this session'],
  ['?', 'this help'],
  ['q', 'quit; on any other view, back to this one (so does Esc)'],
];

/** The pager's keys, in the plan review and the events view (as in less). */
export const PAGER_HELP: readonly (readonly [string, string])[] = [
  ['j k ↑ ↓', 'scroll a line'],
  ['space PgDn PgUp', 'scroll a page'],
  ['g G', 'top, end (G follows new events)'],
  ['h l ← →', 'pan long lines sideways (when not wrapped)'],
  ['/ n N', 'search (Enter; Esc gives up), next and previous match'],
  ['w', 'events: wrap long lines, or pan them'],
  ['q Esc', 'back to the dashboard'],
];

export interface HelpViewProps {
  readonly available: (key: string) => boolean;
}

export function HelpView({ available }: HelpViewProps) {
  return (
    <Box flexDirection="column">
      <Text bold>Keys</Text>
      {CONSOLE_KEYS.map(([k, what]) => (
        <Text key={k}>{`  ${k}  ${what}${available(k) ? '' : ' (not available yet)'}`}</Text>
      ))}
      <Text>{'  Ctrl-C during a run: first stops new work, second exits at once.'}</Text>
      <Text bold>Plan review and events</Text>
      {PAGER_HELP.map(([k, what]) => (
        <Text key={k}>{`  ${k.padEnd(15)}  ${what}`}</Text>
      ))}
    </Box>
  );
}
