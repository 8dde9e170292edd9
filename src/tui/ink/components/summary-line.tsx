// The summary line: done, failed, skipped, elapsed, and predicted vs actual RTO.
import { Box, Text } from 'ink';
import type { ProgressSnapshot } from '../../progress/model.js';
// Direct, not the config facade (which brings the loader and the parser): views load only what they draw with, and
// the live view's worker starts from them (a measured start-up, bench/tui.bench.mjs).
import { formatDuration } from '../../../config/duration.js';
import { colourProps, elapsedText, fit } from '../theme.js';

export interface SummaryLineProps {
  readonly snapshot: ProgressSnapshot;
  readonly width: number;
  readonly color: boolean;
}

export function summaryText(s: ProgressSnapshot): string {
  const parts: string[] = [];
  if (s.phase === 'refreshing' || (s.phase === 'starting' && s.refresh.total)) parts.push(`refreshing ${s.refresh.done}/${s.refresh.total}`);
  else if ((s.phase === 'planned' || s.phase === 'done') && s.total === 0) {
    if (s.refresh.total)
      parts.push(
        `refreshed ${s.refresh.done} resource${s.refresh.done === 1 ? '' : 's'}${s.refresh.drifted ? `, ${s.refresh.drifted} changed outside drctl` : ''}`,
      );
  }
  // Counters only for a run that has something to count (a plan, or verify, has nothing: no "0/0 done").
  if (s.total > 0 || s.done + s.failed + s.skipped > 0) parts.push(`${s.done}/${s.total} done`, `${s.failed} failed`, `${s.skipped} skipped`);
  parts.push(elapsedText(s.elapsedMs ?? s.now - s.startedAt));
  const r = s.rto;
  if (r.predictedSeconds !== undefined || r.actualSeconds !== undefined) {
    const predicted = r.predictedSeconds === undefined ? '' : `predicted ${formatDuration(r.predictedSeconds)}`;
    const actual = r.actualSeconds === undefined ? '' : `actual ${formatDuration(r.actualSeconds)}`;
    const target = r.targetSeconds === undefined ? '' : ` (target ${formatDuration(r.targetSeconds)})`;
    parts.push(`RTO${r.plan ? ` ${r.plan.replace(/^recovery_plan\./, '')}` : ''}: ${[predicted, actual].filter(Boolean).join(' vs ')}${target}`);
  }
  return parts.join(' · ');
}

export function SummaryLine({ snapshot, width, color }: SummaryLineProps) {
  const tone = snapshot.failed ? 'red' : snapshot.phase === 'interrupted' ? 'yellow' : snapshot.phase === 'done' ? 'green' : undefined;
  return (
    <Box width={width}>
      <Text bold={color} {...colourProps(color, tone)}>
        {fit(summaryText(snapshot), width)}
      </Text>
    </Box>
  );
}
