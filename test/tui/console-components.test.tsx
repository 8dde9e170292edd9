import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { PlanView, scrollBy } from '../../src/tui/ink/components/plan-view.js';
import { ConfirmPrompt } from '../../src/tui/ink/components/confirm-prompt.js';
import { Dashboard } from '../../src/tui/ink/components/dashboard.js';
import { HelpView } from '../../src/tui/ink/components/help-view.js';
import { KeyBar } from '../../src/tui/ink/components/key-bar.js';
import type { DashboardStatus } from '../../src/tui/console/services.js';
import { plain, tick } from './fixtures.js';

const DOWN = '\u001b[B';

describe('PlanView', () => {
  const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  it('shows a window of the text and scrolls with arrows, j/k and G', async () => {
    const { lastFrame, stdin } = render(<PlanView text={text} width={40} height={5} color={false} footer="a apply" />);
    expect(plain(lastFrame()).split('\n')).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'lines 1–5 of 30 · ↑↓ PgUp PgDn scroll ·…']);
    stdin.write(DOWN);
    await tick(20);
    stdin.write('j');
    await tick(20);
    expect(plain(lastFrame()).split('\n')[0]).toBe('line 3');
    stdin.write('G');
    await tick(20);
    expect(plain(lastFrame()).split('\n').slice(-2)).toEqual(['line 30', 'lines 26–30 of 30 · ↑↓ PgUp PgDn scroll…']);
    stdin.write('k');
    await tick(20);
    expect(plain(lastFrame()).split('\n')[0]).toBe('line 25');
  });
  it('never scrolls past either end', () => {
    expect(scrollBy(0, -5, 30, 5)).toBe(0);
    expect(scrollBy(20, 100, 30, 5)).toBe(25);
    expect(scrollBy(0, 3, 2, 5)).toBe(0);
  });
  it('keeps ANSI colours of the plan text and cuts long lines instead of wrapping', () => {
    const coloured = `\u001b[32m+\u001b[0m ${'x'.repeat(100)}\nnext`;
    const { lastFrame } = render(<PlanView text={coloured} width={30} height={3} color={true} />);
    const l = plain(lastFrame()).split('\n');
    expect(l[0].length).toBeLessThanOrEqual(30);
    expect(l[1]).toBe('next');
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
    await tick(10);
    stdin.write('r');
    await tick(10);
    expect(plain(lastFrame())).toContain('> dr_');
    expect(calls).toEqual([]);
    stdin.write('\r');
    await tick(10);
    expect(calls).toEqual(['confirm']);
  });
  it('refuses a wrong name, and handles text typed in one burst', async () => {
    const { stdin, calls } = setup('dr');
    stdin.write('home\r');
    await tick(10);
    expect(calls).toEqual(['refuse:home']);
  });
  it('lets the operator correct a typo with backspace', async () => {
    const { stdin, calls } = setup('yes');
    stdin.write('yez');
    await tick(10);
    stdin.write('\u007f');
    await tick(10);
    stdin.write('s\r');
    await tick(10);
    expect(calls).toEqual(['confirm']);
  });
  it('cancels on Esc', async () => {
    const { stdin, calls } = setup('yes');
    stdin.write('\u001b');
    await tick(30);
    expect(calls).toEqual(['refuse:undefined']);
  });
});

describe('Dashboard', () => {
  const status: DashboardStatus = {
    configDir: 'plans',
    sites: [
      { name: 'home', location: 'dal13', role: 'active', lifecycle: 'active' },
      { name: 'dr', location: 'wdc04', role: 'standby' },
    ],
    volumeGroups: [{ volumeGroup: 'erp_db', lagSeconds: 30, rpoSeconds: 900, state: 'consistent_copying' }],
    lastDrill: { name: 'monthly', result: 'passed', rtoSeconds: 1500, at: '2025-01-01T03:00:00Z' },
    pendingChanges: 3,
    stateSerial: 7,
    resources: 44,
    problems: ['Cloud: connection refused'],
  };
  it('shows sites, replication, last drill, pending changes and problems', () => {
    const { lastFrame } = render(<Dashboard status={status} width={90} color={false} />);
    const f = plain(lastFrame());
    expect(f).toContain('home dal13  active · lifecycle active');
    expect(f).toContain('dr   wdc04  standby');
    expect(f).toMatch(/erp_db .*lag 30s \/ RPO 15m00s consistent_copying/);
    expect(f).toContain('monthly: passed · RTO 25m · 2025-01-01T03:00:00Z');
    expect(f).toContain('3 changes pending (p to plan) · state serial 7, 44 resources');
    expect(f).toContain('! Cloud: connection refused');
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

describe('HelpView and KeyBar', () => {
  it('lists every key and marks those not available yet', () => {
    const { lastFrame } = render(<HelpView available={(k) => k !== 'f'} />);
    const f = plain(lastFrame());
    for (const k of ['p', 'a', 'v', 'd', 'f', 'b', 'e', '?', 'q']) expect(f.split('\n').some((l) => l.startsWith(`  ${k}  `))).toBe(true);
    expect(f).toMatch(/^ {2}f {2}failover.*\(not available yet\)$/m);
    expect(f).not.toMatch(/^ {2}p .*not available/m);
  });
  it('fits the key bar into the width', () => {
    const { lastFrame } = render(
      <KeyBar
        keys={[
          ['p', 'plan'],
          ['a', 'apply'],
          ['q', 'quit'],
        ]}
        width={12}
        color={false}
      />,
    );
    expect(plain(lastFrame())).toBe('p plan  a a…');
  });
});
