// `drctl sim status` as text: the simulated world's time, and one line per replicated group.
import { formatDuration } from '../../config/duration.js';

/** What services/simulator.ts reports (kept structural: views do not import services). */
export interface SimStatusView {
  readonly dataDir: string;
  readonly servedBy?: { readonly pid: number; readonly url: string };
  readonly now: string;
  readonly timeScale: number;
  readonly groups: readonly {
    readonly volumeGroup: string;
    readonly from: string;
    readonly to: string;
    readonly state: string;
    readonly activity: string;
    readonly progress: number;
    readonly lagSeconds?: number;
    readonly etaSeconds?: number;
  }[];
}

const ACTIVITY: Readonly<Record<string, string>> = {
  copying: 'first copy',
  resync: 'resync',
  'in-sync': 'in sync',
  stopped: 'stopped',
  'link-down': 'link down: copy stalled',
  updating: 'action under way',
  error: 'error: reset needed',
};

/** One line per group: direction, state, progress, lag, and when the copy under way is consistent. */
export function renderSimStatus(s: SimStatusView): string {
  const dur = (seconds: number) => formatDuration(Math.max(0, Math.round(seconds)));
  const real = (seconds: number) => (s.timeScale > 0 ? ` (${(seconds * s.timeScale).toFixed(seconds * s.timeScale < 10 ? 1 : 0)}s real)` : '');
  const lines = [
    `Simulator world ${s.dataDir}${s.servedBy ? `, served by pid ${s.servedBy.pid} at ${s.servedBy.url}` : ''}`,
    `  model time ${s.now}, time scale ${s.timeScale === 0 ? '0 (instant)' : s.timeScale < 1 ? `1/${Math.round(1 / s.timeScale)}` : s.timeScale}`,
  ];
  if (!s.groups.length) lines.push('  No replicated volume groups.');
  for (const g of s.groups) {
    const progress = g.activity === 'copying' || g.activity === 'resync' || g.activity === 'updating' ? ` ${g.progress.toFixed(0)}%` : '';
    const lag = g.lagSeconds !== undefined ? `, lag ${dur(g.lagSeconds)}` : '';
    const eta = g.etaSeconds !== undefined ? `, ${g.activity === 'updating' ? 'settles' : 'consistent'} in ${dur(g.etaSeconds)}${real(g.etaSeconds)}` : '';
    lines.push(`  ${g.volumeGroup}: ${g.from} → ${g.to}, ${g.state}, ${ACTIVITY[g.activity] ?? g.activity}${progress}${lag}${eta}`);
  }
  return lines.join('\n') + '\n';
}
