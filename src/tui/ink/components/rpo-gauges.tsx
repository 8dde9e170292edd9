// One gauge per volume group: replication lag against the policy's RPO.
import { Box, Text } from 'ink';
import type { RpoReading, Tone } from '../../progress/model.js';
import { dimProps, fit, toneProps } from '../theme.js';
import { progressBar } from './group-block.js';

export interface RpoGaugesProps {
  readonly readings: readonly RpoReading[];
  readonly width: number;
  readonly color: boolean;
}

export function rpoTone(r: RpoReading): Tone {
  if (r.state && /disconnected|error|stopped|idling/.test(r.state)) return 'bad';
  if (r.lagSeconds === undefined) return 'idle';
  if (r.rpoSeconds === undefined) return 'ok';
  if (r.lagSeconds > r.rpoSeconds) return 'bad';
  return r.lagSeconds > r.rpoSeconds * 0.75 ? 'warn' : 'ok';
}

export function secondsText(seconds: number): string {
  // Round first, so 179.6 s reads 3m00s, not 2m60s.
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function rpoText(r: RpoReading): string {
  const lag = r.lagSeconds === undefined ? 'lag unknown' : `lag ${secondsText(r.lagSeconds)}`;
  const rpo = r.rpoSeconds === undefined ? '' : ` / RPO ${secondsText(r.rpoSeconds)}`;
  const state = r.state ? ` ${r.state}` : '';
  return `${lag}${rpo}${state}`;
}

export function RpoGauges({ readings, width, color }: RpoGaugesProps) {
  if (readings.length === 0) return null;
  const nameWidth = Math.min(24, Math.max(...readings.map((r) => r.volumeGroup.length)));
  const cells = Math.max(0, Math.min(16, width - nameWidth - 44));
  return (
    <Box flexDirection="column" width={width}>
      {readings.map((r) => {
        const tone = rpoTone(r);
        const ratio = r.lagSeconds !== undefined && r.rpoSeconds ? Math.min(1, r.lagSeconds / r.rpoSeconds) : 0;
        return (
          <Box key={r.volumeGroup}>
            <Text>{fit(r.volumeGroup, nameWidth).padEnd(nameWidth)} </Text>
            {cells > 0 ? <Text {...toneProps(color, tone)}>{progressBar(Math.round(ratio * 100), 100, cells)} </Text> : null}
            <Text {...(tone === 'ok' ? dimProps(color) : toneProps(color, tone))}>{fit(rpoText(r), Math.max(8, width - nameWidth - cells - 3))}</Text>
          </Box>
        );
      })}
    </Box>
  );
}
