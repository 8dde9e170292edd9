import { describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import type { Key } from 'ink';
import { PlanView, matchingLines, scrollBy, sliceVisible, wrapLines } from '../../src/tui/ink/components/plan-view.js';
import { ConfirmPrompt } from '../../src/tui/ink/components/confirm-prompt.js';
import { Dashboard } from '../../src/tui/ink/components/dashboard.js';
import { CONSOLE_KEYS, HelpView, PAGER_HELP } from '../../src/tui/ink/components/help-view.js';
import { KeyBar, keyBarText } from '../../src/tui/ink/components/key-bar.js';
import type { DashboardStatus } from '../../src/tui/console/services.js';
import { localTime, relativeTime, whenText } from '../../src/tui/console/time.js';
import { plain } from './fixtures.js';

const DOWN = '\u001b[B';
const RIGHT = '\u001b[C';
const LEFT = '\u001b[D';
const ESC = '\u001b';

describe('PlanView', () => {
  const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const rows = (f: string | undefined) => plain(f).split('\n');
  it('shows a window of the text and scrolls with arrows, j/k, g and G', async () => {
    const { lastFrame, stdin } = render(<PlanView text={text} width={40} height={5} color={false} footer="a apply" />);
    expect(rows(lastFrame())).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'lines 1–5 of 30 · a apply']);
    stdin.write(DOWN);
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toBe('line 2'));
    stdin.write('j');
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toBe('line 3'));
    stdin.write('G');
    await vi.waitFor(() => expect(rows(lastFrame()).slice(-2)).toEqual(['line 30', 'lines 26–30 of 30 · a apply']));
    stdin.write('k');
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toBe('line 25'));
    stdin.write('g');
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toBe('line 1'));
  });
  it('never scrolls past either end', () => {
    expect(scrollBy(0, -5, 30, 5)).toBe(0);
    expect(scrollBy(20, 100, 30, 5)).toBe(25);
    expect(scrollBy(0, 3, 2, 5)).toBe(0);
  });
  it('keeps ANSI colours of the plan text and cuts long lines instead of wrapping', () => {
    const coloured = `\u001b[32m+\u001b[0m ${'x'.repeat(100)}\nnext`;
    const { lastFrame } = render(<PlanView text={coloured} width={30} height={3} color={true} />);
    const l = rows(lastFrame());
    expect(l[0].length).toBeLessThanOrEqual(30);
    expect(l[1]).toBe('next');
  });
  it('pans long lines sideways with → and l, and back with ← and h, keeping their colour', async () => {
    const long = `\u001b[32m+\u001b[0m ${'abcdefghij'.repeat(5)}`;
    const { lastFrame, stdin } = render(<PlanView text={long} width={40} height={2} color={true} />);
    stdin.write(RIGHT);
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toMatch(/^ghijabcdefghij/));
    expect(rows(lastFrame()).at(-1)).toContain('from column 9');
    stdin.write('l');
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toMatch(/^efghijabcd/));
    stdin.write('h');
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toMatch(/^ghijabcdef/));
    stdin.write(LEFT);
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toMatch(/^\+ abcdefghij/));
    expect(sliceVisible('\u001b[32mabc\u001b[0mdef', 2)).toBe('\u001b[32mc\u001b[0mdef\u001b[0m');
  });
  it('wraps long lines at the width when asked, at spaces where it can, losing no text', () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    const { lastFrame } = render(<PlanView text={words} width={24} height={10} color={false} wrap />);
    const shown = rows(lastFrame()).slice(0, -1);
    expect(shown.length).toBeGreaterThan(3);
    for (const l of shown) expect(l.length).toBeLessThanOrEqual(24);
    expect(shown.join(' ').split(/\s+/).filter(Boolean)).toEqual(words.split(' '));
    expect(wrapLines(['x'.repeat(25)], 10)).toEqual(['xxxxxxxxxx', '  xxxxxxxx', '  xxxxxxx']);
  });
  it('searches with /, goes to the next and previous match with n and N, and gives up on Esc', async () => {
    const captured: boolean[] = [];
    const { lastFrame, stdin } = render(<PlanView text={text} width={60} height={5} color={false} onCapture={(c) => captured.push(c)} />);
    stdin.write('/');
    await vi.waitFor(() => expect(rows(lastFrame()).at(-1)).toBe('/'));
    stdin.write('line 2');
    await vi.waitFor(() => expect(rows(lastFrame()).at(-1)).toBe('/line 2'));
    stdin.write('\r');
    // Matches: line 2, line 20..29 (11); the first after the top of the window is line 2.
    await vi.waitFor(() => expect(rows(lastFrame()).at(-1)).toBe('lines 2–6 of 30 · "line 2": match 1 of 11 (n/N)'));
    stdin.write('n');
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toBe('line 20'));
    stdin.write('N');
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toBe('line 2'));
    expect(captured).toEqual([true, false]);
    stdin.write('/nothing');
    await vi.waitFor(() => expect(rows(lastFrame()).at(-1)).toBe('/nothing'));
    stdin.write(ESC);
    await vi.waitFor(() => expect(rows(lastFrame()).at(-1)).toMatch(/^lines 2–6 of 30 · "line 2"/));
    stdin.write('/zzz\r');
    await vi.waitFor(() => expect(rows(lastFrame()).at(-1)).toBe('lines 2–6 of 30 · "zzz": no match'));
    expect(matchingLines(['\u001b[31mRed\u001b[0m', 'blue'], 'red')).toEqual([0]);
  });
  it('opens a log at its end and follows new lines there', async () => {
    const log = (n: number) => Array.from({ length: n }, (_, i) => `event ${i + 1}`).join('\n');
    const { lastFrame, rerender } = render(<PlanView text={log(20)} width={40} height={3} color={false} start="end" />);
    expect(rows(lastFrame())).toEqual(['event 18', 'event 19', 'event 20', 'lines 18–20 of 20']);
    rerender(<PlanView text={log(25)} width={40} height={3} color={false} start="end" />);
    await vi.waitFor(() => expect(rows(lastFrame())[2]).toBe('event 25'));
  });
  it('takes its keys from a route when the screen owns the keyboard', async () => {
    const route: { current: ((input: string, key: Key) => void) | undefined } = { current: undefined };
    const { lastFrame, stdin } = render(<PlanView text={text} width={40} height={5} color={false} keyRoute={route} />);
    expect(route.current).toBeTypeOf('function');
    // Its own subscription is off: G on stdin does nothing (else the window would be at the end); the route moves it.
    stdin.write('G');
    route.current!('j', {} as Key);
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toBe('line 2'));
    route.current!('k', {} as Key);
    await vi.waitFor(() => expect(rows(lastFrame())[0]).toBe('line 1'));
  });
});

describe('ConfirmPrompt', () => {
  const setup = (expected: string) => {
    const calls: string[] = [];
    const r = render(
      <ConfirmPrompt
        question="Fail over to dr?"
        expected={expected}
        color={false}
        onConfirm={() => calls.push('confirm')}
        onRefuse={(t) => calls.push(`refuse:${t}`)}
      />,
    );
    return { ...r, calls };
  };
  it('confirms only on the exact text followed by Enter', async () => {
    const { stdin, calls, lastFrame } = setup('dr');
    stdin.write('d');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('> d_'));
    stdin.write('r');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('> dr_'));
    expect(calls).toEqual([]);
    stdin.write('\r');
    await vi.waitFor(() => expect(calls).toEqual(['confirm']));
  });
  it('refuses a wrong name, and handles text typed in one burst', async () => {
    const { stdin, calls } = setup('dr');
    stdin.write('home\r');
    await vi.waitFor(() => expect(calls).toEqual(['refuse:home']));
  });
  it('lets the operator correct a typo with backspace', async () => {
    const { stdin, calls, lastFrame } = setup('yes');
    stdin.write('yez');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('> yez_'));
    stdin.write('\u007f');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('> ye_'));
    stdin.write('s\r');
    await vi.waitFor(() => expect(calls).toEqual(['confirm']));
  });
  it('cancels on Esc', async () => {
    const { stdin, calls } = setup('yes');
    stdin.write('\u001b');
    await vi.waitFor(() => expect(calls).toEqual(['refuse:undefined']));
  });
});

describe('Dashboard', () => {
  // Local clock times, so the expected "(14:32)" holds in any time zone.
  const now = new Date(2026, 0, 10, 14, 35).getTime();
  const status: DashboardStatus = {
    configDir: 'plans',
    sites: [
      { name: 'home', location: 'dal13', role: 'active', lifecycle: 'active' },
      { name: 'dr', location: 'wdc04', role: 'standby' },
    ],
    volumeGroups: [{ volumeGroup: 'erp_db', lagSeconds: 30, rpoSeconds: 900, state: 'consistent_copying' }],
    lastDrill: { name: 'monthly', result: 'passed', rtoSeconds: 1500, at: new Date(2026, 0, 10, 11, 35).toISOString() },
    pendingChanges: 3,
    stateSerial: 7,
    resources: 44,
    problems: ['Cloud: connection refused'],
  };
  it('shows sites, replication, last drill, pending changes and problems, with times as local and relative', () => {
    const { lastFrame } = render(<Dashboard status={status} width={90} color={false} now={() => now} />);
    const f = plain(lastFrame());
    expect(f).toContain('home dal13  active · lifecycle active');
    expect(f).toContain('dr   wdc04  standby');
    expect(f).toMatch(/erp_db .*lag 30s \/ RPO 15m00s consistent_copying/);
    expect(f).toContain('monthly: passed · RTO 25m · 3 h ago (11:35)');
    expect(f).toContain('3 changes pending (p to plan) · state serial 7, 44 resources');
    expect(f).toContain('! Cloud: connection refused');
  });
  it('says whether production can move, why not, the last run, a lock held by a run, and when it read all this', () => {
    const live: DashboardStatus = {
      ...status,
      readAt: new Date(now - 2_000).toISOString(),
      readiness: { ready: true, reasons: [] },
      lastRun: { kind: 'failover', outcome: 'succeeded', at: new Date(2026, 0, 10, 14, 32).toISOString(), from: 'site.home', to: 'site.dr' },
      lockedBy: 'ops@ci (apply, pid 42 on ci-1) since 2026-01-10T14:34:00Z',
    };
    const f = plain(render(<Dashboard status={live} width={100} color={false} now={() => now} />).lastFrame());
    expect(f).toContain('Ready: production at home can move to dr');
    expect(f).toContain('failover succeeded home → dr · 3 min ago (14:32)');
    expect(f).toContain('A run holds the state lock: ops@ci (apply, pid 42 on ci-1)');
    expect(f).toContain('Read just now (14:34); refreshes on its own, and when a .hcl file changes.');
    const notReady = plain(
      render(
        <Dashboard
          status={{ ...live, readiness: { ready: false, reasons: ['erp_db is inconsistent_copying'] }, lockedBy: undefined, lastRun: undefined }}
          width={100}
          color={false}
          now={() => now + 5 * 60_000}
        />,
      ).lastFrame(),
    );
    expect(notReady).toContain('Not ready: erp_db is inconsistent_copying');
    expect(notReady).toContain('no DR run recorded');
    expect(notReady).toContain('Read 5 min ago (14:34)');
    expect(notReady).not.toContain('state lock');
  });
  it('says what is missing instead of showing blanks', () => {
    const { lastFrame } = render(
      <Dashboard
        status={{ ...status, volumeGroups: [], lastDrill: undefined, pendingChanges: 0, stateSerial: undefined, problems: [] }}
        width={90}
        color={false}
      />,
    );
    const f = plain(lastFrame());
    expect(f).toContain('no volume groups in state yet');
    expect(f).toContain('no drill recorded');
    expect(f).toContain('none: state matches the configuration · no state yet');
  });
  it('waits for the first status', () => {
    const { lastFrame } = render(<Dashboard status={undefined} width={90} color={false} />);
    expect(plain(lastFrame())).toBe('Reading status…');
  });
});

describe('console times', () => {
  const at = new Date(2026, 0, 10, 14, 35, 0);
  const later = (s: number) => new Date(at.getTime() + s * 1000);
  it('reads relative: just now, seconds, minutes, hours, days; a clock ahead is "in the future"', () => {
    expect(relativeTime(at, later(3))).toBe('just now');
    expect(relativeTime(at, later(42))).toBe('42 s ago');
    expect(relativeTime(at, later(3 * 60 + 59))).toBe('3 min ago');
    expect(relativeTime(at, later(5 * 3600))).toBe('5 h ago');
    expect(relativeTime(at, later(47 * 3600))).toBe('47 h ago');
    expect(relativeTime(at, later(3 * 86_400))).toBe('3 days ago');
    expect(relativeTime(at, later(-60))).toBe('in the future');
  });
  it('gives the local clock time, with the date when it is not today; text that is not a time stays as it is', () => {
    expect(localTime(at, later(60))).toBe('14:35');
    expect(localTime(at, later(86_400))).toBe('2026-01-10 14:35');
    expect(whenText(at.toISOString(), later(120))).toBe('2 min ago (14:35)');
    expect(whenText('not a time', at)).toBe('not a time');
    expect(whenText(undefined, at)).toBeUndefined();
  });
});

describe('HelpView and KeyBar', () => {
  it('lists every key, the pager keys among them, and marks those not available yet', () => {
    const { lastFrame } = render(<HelpView available={(k) => k !== 'f'} />);
    const f = plain(lastFrame());
    for (const k of ['p', 'a', 'v', 'd', 'f', 'b', 'e', '?', 'q']) expect(f.split('\n').some((l) => l.startsWith(`  ${k}  `))).toBe(true);
    expect(f).toMatch(/^ {2}f {2}failover.*\(not available yet\)$/m);
    expect(f).not.toMatch(/^ {2}p .*not available/m);
    for (const k of ['j k', 'g G', '/ n N', 'w', 'q Esc']) expect(f).toMatch(new RegExp(`^ {2}${k.replace(/[/]/g, '\\/')} +\\S`, 'm'));
    expect(PAGER_HELP.length + CONSOLE_KEYS.length).toBeGreaterThan(12);
  });
  it('fits an 80-column terminal: no help line is wider', () => {
    const f = plain(render(<HelpView available={() => true} />).lastFrame());
    for (const l of f.split('\n')) expect(l.length, l).toBeLessThanOrEqual(80);
  });
  it('fits the key bar into the width: roomy when it can, tight before it cuts', () => {
    const keys = [
      ['p', 'plan'],
      ['a', 'apply'],
      ['q', 'quit'],
    ] as const;
    expect(keyBarText(keys, 40)).toBe('p plan  a apply  q quit');
    expect(keyBarText(keys, 22)).toBe('p:plan a:apply q:quit');
    const { lastFrame } = render(<KeyBar keys={keys} width={12} color={false} />);
    expect(plain(lastFrame())).toBe('p:plan a:ap…');
  });
});
