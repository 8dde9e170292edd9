// The prompts a DR run puts to the operator in the console, drawn from what the console's own key
// handler has typed so far (the console routes keys to them: a prompt that a run raises, not a
// key, must hear the very next key): approving the run's runbook, as the commands ask, and a
// manual step, answered 'done' (or yes, ok) once finished, or 'abort' to stop the run there.
import { Box, Text } from 'ink';
import { MANUAL_ABORT_ANSWER } from '../../../plan/runbook.js';
import { colourProps, dimProps, fit } from '../theme.js';

function Typed({ typed, color }: { readonly typed: string; readonly color: boolean }) {
  return (
    <Text>
      {'> '}
      {typed}
      <Text inverse={color}>{color ? ' ' : '_'}</Text>
    </Text>
  );
}

export interface RunApprovalViewProps {
  /** The runbook's outline: its phases, predicted RTO, replication, data loss and blockers. */
  readonly outline: readonly string[];
  readonly question: string;
  readonly expected: string;
  readonly typed: string;
  readonly width: number;
  readonly color: boolean;
}

export function RunApprovalView({ outline, question, expected, typed, width, color }: RunApprovalViewProps) {
  return (
    <Box flexDirection="column">
      {outline.map((l, i) => (
        <Text key={i}>{fit(l, width)}</Text>
      ))}
      <Text {...colourProps(color, 'yellow')}>{question}</Text>
      <Text {...dimProps(color)}>{`Type ${JSON.stringify(expected)} and press Enter to confirm; Esc cancels.`}</Text>
      <Typed typed={typed} color={color} />
    </Box>
  );
}

export interface ManualStepViewProps {
  readonly group: string;
  readonly text: string;
  readonly typed: string;
  /** The last answer drctl did not know, if any. */
  readonly unknown?: string;
  readonly color: boolean;
}

export function ManualStepView({ group, text, typed, unknown, color }: ManualStepViewProps) {
  return (
    <Box flexDirection="column">
      <Text {...colourProps(color, 'yellow')}>{`Manual step after group ${group}:`}</Text>
      <Text>{`  ${text}`}</Text>
      {unknown !== undefined ? <Text {...colourProps(color, 'red')}>{`"${unknown}" is not an answer drctl knows here.`}</Text> : null}
      <Text
        {...dimProps(color)}
      >{`Type 'done' (or yes, ok) when it is finished, or '${MANUAL_ABORT_ANSWER}' to stop the run here; running it again asks again.`}</Text>
      <Typed typed={typed} color={color} />
    </Box>
  );
}
