// A run inside the console (plan refresh, apply, a DR run): the live progress screen, with the
// latest finished lines above it instead of <Static> (the console owns the whole screen).
import { Box, Text } from 'ink';
import type { ProgressStore } from '../../progress/model.js';
import { useEngineEvents } from '../hooks/use-engine-events.js';
import { ProgressScreen } from '../components/progress-screen.js';
import { FinishedLineView } from '../components/finished-line.js';
import { colourProps } from '../theme.js';
import type { RunResult } from '../../console/services.js';

export interface RunViewProps {
  readonly store: ProgressStore;
  readonly width: number;
  readonly height: number;
  readonly color: boolean;
  readonly result?: RunResult;
}

export function RunView({ store, width, height, color, result }: RunViewProps) {
  const live = useEngineEvents(store);
  const s = result ? store.snapshot() : live;
  const recent = Math.max(0, Math.min(s.finished.length, Math.floor(height / 3)));
  return (
    <Box flexDirection="column" width={width}>
      {s.finished.slice(s.finished.length - recent).map((l) => (
        <FinishedLineView key={l.key} line={l} width={width} color={color} />
      ))}
      <ProgressScreen snapshot={s} width={width} height={height - recent - (result ? 2 : 0)} color={color} staticLog={false} />
      {result ? (
        <Box flexDirection="column">
          <Text bold={color} {...colourProps(color, result.ok ? 'green' : 'red')}>
            {result.summary}
          </Text>
          <Text>Press any key to return to the dashboard.</Text>
        </Box>
      ) : null}
    </Box>
  );
}
