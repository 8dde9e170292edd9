// The live progress view of a plan, apply or DR run: finished lines in <Static> (written once),
// then the live part: header with site badges, RPO gauges, the tree of groups in flight, the
// summary line and the latest events.
import { Box, Static, Text } from 'ink';
import type { ProgressSnapshot } from '../../progress/model.js';
import { dimProps, fit } from '../theme.js';
import { FinishedLineView } from './finished-line.js';
import { GroupBlock } from './group-block.js';
import { RpoGauges } from './rpo-gauges.js';
import { SiteBadges } from './site-badges.js';
import { SummaryLine } from './summary-line.js';
import { EventsPane } from './events-pane.js';

export interface ProgressScreenProps {
  readonly snapshot: ProgressSnapshot;
  readonly width: number;
  /** Terminal rows: the live part is kept shorter than this so it never scrolls. */
  readonly height: number;
  readonly color: boolean;
  /** Write finished lines to <Static> (off inside the console, which has its own screen). */
  readonly staticLog?: boolean;
  readonly eventRows?: number;
  /** The last frame before the view unmounts: a run that showed nothing leaves nothing behind. */
  readonly final?: boolean;
}

/** Rows in flight each group may show, so the whole live area fits the terminal. */
export function rowsPerGroup(groups: number, room: number): number {
  if (groups === 0) return 0;
  return Math.max(1, Math.min(8, Math.floor(room / groups) - 2));
}

function groupHeight(g: { running: readonly unknown[] }, maxRows: number): number {
  const rows = Math.min(g.running.length, maxRows);
  return 1 + rows + (g.running.length > rows ? 1 : 0);
}

export function ProgressScreen({ snapshot, width, height, color, staticLog = true, eventRows = 3, final = false }: ProgressScreenProps) {
  const s = snapshot;
  // The last frame of a run that applied nothing (a plan, an error before the first change):
  // nothing, or one line of what the refresh read. The command's own output (the plan, the
  // error) follows without a leftover "0/0 done".
  const bare = final && s.total === 0 && s.groups.length === 0 && s.sites.length === 0 && s.rpo.length === 0;
  const bySite = new Map<string, (typeof s.groups)[number][]>();
  for (const g of s.groups) {
    const list = bySite.get(g.site);
    if (list) list.push(g);
    else bySite.set(g.site, [g]);
  }
  const events = Math.min(eventRows, s.events.length);
  const siteLines = [...bySite.keys()].filter(Boolean).length;
  // Title, badges, gauges, site headings, one "… more groups" line per site, summary, events, and
  // the line the cursor rests on.
  const fixed = (s.title ? 1 : 0) + (s.sites.length ? 1 : 0) + s.rpo.length + siteLines + bySite.size + 1 + (events ? events + 1 : 0) + 1;
  const room = Math.max(2, height - fixed);
  const maxRows = rowsPerGroup(s.groups.length, room);
  let budget = room;
  return (
    <>
      {staticLog ? (
        <Static items={s.finished as never[]}>
          {(line: (typeof s.finished)[number]) => <FinishedLineView key={line.key} line={line} width={width} color={color} />}
        </Static>
      ) : null}
      {bare ? (
        s.refresh.total > 0 ? (
          <SummaryLine snapshot={s} width={width} color={color} />
        ) : null
      ) : (
        <Box flexDirection="column" width={width}>
          {s.title ? <Text bold={color}>{fit(s.title, width)}</Text> : null}
          <SiteBadges sites={s.sites} color={color} />
          <RpoGauges readings={s.rpo} width={width} color={color} />
          {[...bySite].map(([site, groups]) => {
            const visible: typeof groups = [];
            for (const g of groups) {
              const h = groupHeight(g, maxRows);
              if (h > budget) break;
              visible.push(g);
              budget -= h;
            }
            const hidden = groups.length - visible.length;
            return (
              <Box key={site || '-'} flexDirection="column">
                {site ? <Text bold={color}>{fit(`site ${site}`, width)}</Text> : null}
                {visible.map((g) => (
                  <GroupBlock key={g.key} group={g} now={s.now} width={width} color={color} maxRows={maxRows} />
                ))}
                {hidden > 0 ? <Text {...dimProps(color)}>{`  … ${hidden} more groups`}</Text> : null}
              </Box>
            );
          })}
          <SummaryLine snapshot={s} width={width} color={color} />
          <EventsPane events={s.events} rows={eventRows} width={width} color={color} />
        </Box>
      )}
    </>
  );
}
