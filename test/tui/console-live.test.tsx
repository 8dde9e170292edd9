// The console app over fake services (fast, no engine): the dashboard refreshes on its own and
// when a .hcl file changes, its times age, q closes every sub-view, a search takes every key, and
// the key bar fits an 80-column terminal on every screen. Every wait is for a condition.
import { describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { ConsoleApp } from '../../src/tui/ink/console/console-app.js';
import type { ConsoleServices, DashboardStatus } from '../../src/tui/console/services.js';
import { change, plain, planOf } from './fixtures.js';

const ESC = '\u001b';
const T0 = new Date(2026, 0, 10, 14, 35).getTime();

function fake() {
  const world = { pending: 1, reads: 0, watching: false, stopped: false, onChange: undefined as (() => void) | undefined };
  const plan = planOf([change('vm.web[0]', 'create'), change('vm.web[1]', 'create')]);
  const services: ConsoleServices = {
    async status(): Promise<DashboardStatus> {
      world.reads++;
      return {
        configDir: 'plans',
        readAt: new Date(T0).toISOString(),
        sites: [
          { name: 'home', location: 'dal13', role: 'active' },
          { name: 'dr', location: 'wdc04', role: 'standby' },
        ],
        volumeGroups: [],
        pendingChanges: world.pending,
        resources: 0,
        problems: [],
      };
    },
    plan: async () => ({ plan, text: Array.from({ length: 60 }, (_, i) => `plan line ${i + 1}`).join('\n') }),
    apply: async () => ({ ok: true, summary: 'Apply complete!' }),
    dr: { verify: async () => ({ ok: true, summary: 'Ready: all quiet.' }) },
    watch(onChange) {
      world.watching = true;
      world.onChange = onChange;
      return () => void (world.stopped = true);
    },
  };
  return { services, world };
}

const lastLine = (f: string | undefined) => plain(f).trimEnd().split('\n').at(-1) ?? '';

describe('console: a live dashboard', () => {
  it('reads the status again on its own, every refresh period', async () => {
    const { services, world } = fake();
    const { lastFrame, unmount } = render(<ConsoleApp services={services} width={100} height={30} color={false} refreshMs={20} onExit={() => undefined} />);
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('1 change pending'));
    world.pending = 4;
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('4 changes pending'));
    expect(world.reads).toBeGreaterThanOrEqual(2);
    unmount();
  });

  it('reads it again when a configuration file changes, and stops watching when it closes', async () => {
    const { services, world } = fake();
    const { lastFrame, unmount } = render(<ConsoleApp services={services} width={100} height={30} color={false} refreshMs={0} onExit={() => undefined} />);
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('1 change pending'));
    expect(world.watching).toBe(true);
    const before = world.reads;
    world.pending = 7;
    world.onChange!();
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('7 changes pending'));
    expect(world.reads).toBe(before + 1);
    unmount();
    expect(world.stopped).toBe(true);
  });

  it('never reads twice at once: changes during a read are served by one more read after it', async () => {
    const { services, world } = fake();
    let inFlight = 0;
    let most = 0;
    const slow: ConsoleServices = {
      ...services,
      async status() {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        return services.status();
      },
    };
    const { lastFrame, unmount } = render(<ConsoleApp services={slow} width={100} height={30} color={false} refreshMs={0} onExit={() => undefined} />);
    world.pending = 3;
    for (let i = 0; i < 5; i++) world.onChange!();
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('3 changes pending'));
    await vi.waitFor(() => expect(inFlight).toBe(0));
    expect(most).toBe(1);
    // The first read, and one more for the five changes that came while it ran.
    expect(world.reads).toBe(2);
    unmount();
  });

  it('a run waits for a status read in flight: both talk to the cloud, one at a time', async () => {
    const { services } = fake();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const held: ConsoleServices = {
      ...services,
      async status() {
        log.push('status start');
        await new Promise<void>((r) => (release = r));
        log.push('status end');
        return services.status();
      },
      dr: {
        verify: async () => {
          log.push('verify');
          return { ok: true, summary: 'Ready: all quiet.' };
        },
      },
    };
    const { lastFrame, stdin, unmount } = render(<ConsoleApp services={held} width={100} height={30} color={false} refreshMs={0} onExit={() => undefined} />);
    await vi.waitFor(() => expect(log).toEqual(['status start']));
    stdin.write('v');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('drctl verify'));
    expect(log).toEqual(['status start']);
    release();
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('Ready: all quiet.'));
    expect(log.slice(0, 3)).toEqual(['status start', 'status end', 'verify']);
    release();
    unmount();
  });

  it('redraws how long ago it read the status as the clock moves on', async () => {
    const { services } = fake();
    let wall = T0 + 1_000;
    const { lastFrame, unmount } = render(
      <ConsoleApp services={services} width={100} height={30} color={false} refreshMs={0} clockMs={20} wallNow={() => wall} onExit={() => undefined} />,
    );
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('Read just now (14:35)'));
    wall = T0 + 3 * 60_000;
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('Read 3 min ago (14:35)'));
    unmount();
  });
});

describe('console: keys', () => {
  it('q closes the events, the help and the plan review; on the dashboard it quits', async () => {
    const { services } = fake();
    const exits: number[] = [];
    const { lastFrame, stdin, unmount } = render(
      <ConsoleApp services={services} width={100} height={30} color={false} refreshMs={0} onExit={(c) => exits.push(c)} />,
    );
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('1 change pending'));
    stdin.write('e');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('No events yet'));
    stdin.write('q');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('1 change pending'));
    stdin.write('?');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('Plan review and events'));
    stdin.write('q');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('1 change pending'));
    stdin.write('p');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('plan line 1'));
    // Keys pressed as the review appears reach the pager (G) and the screen (q).
    stdin.write('G');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('plan line 60'));
    stdin.write('q');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('1 change pending'));
    expect(exits).toEqual([]);
    stdin.write('q');
    await vi.waitFor(() => expect(exits).toEqual([0]));
    unmount();
  });

  it('a search in the events view takes every key, q and Esc included; w switches wrapping', async () => {
    const { services } = fake();
    const exits: number[] = [];
    const { lastFrame, stdin, unmount } = render(
      <ConsoleApp services={services} width={100} height={30} color={false} refreshMs={0} onExit={(c) => exits.push(c)} />,
    );
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('1 change pending'));
    stdin.write('v');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('Press any key to return to the dashboard.'));
    stdin.write(' ');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('1 change pending'));
    stdin.write('e');
    await vi.waitFor(() => expect(plain(lastFrame())).toMatch(/— drctl verify\nReady: all quiet\./));
    expect(lastLine(lastFrame())).toContain('w no wrap');
    stdin.write('/');
    stdin.write('q');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('/q'));
    stdin.write(ESC);
    await vi.waitFor(() => expect(plain(lastFrame())).toMatch(/lines 1–2 of 2\n/));
    // Still the events: neither the q typed into the search nor the Esc that ended it closed them.
    expect(plain(lastFrame())).toContain('Ready: all quiet.');
    stdin.write('/quiet\r');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('"quiet": match 1 of 1'));
    expect(plain(lastFrame())).toContain('Ready: all quiet.');
    stdin.write('w');
    await vi.waitFor(() => expect(lastLine(lastFrame())).toContain('w wrap'));
    stdin.write('q');
    await vi.waitFor(() => expect(plain(lastFrame())).toContain('1 change pending'));
    expect(exits).toEqual([]);
    unmount();
  });

  it('fits the key bar into an 80-column terminal on every screen, without cutting it', async () => {
    const { services } = fake();
    // An 80-column terminal gives the console 79 (start.tsx keeps the last column free).
    const { lastFrame, stdin, unmount } = render(
      <ConsoleApp services={services} width={79} height={30} color={false} refreshMs={0} onExit={() => undefined} />,
    );
    const bar = async (screenText: string) => {
      await vi.waitFor(() => expect(plain(lastFrame())).toContain(screenText));
      const l = lastLine(lastFrame());
      expect(l.length, l).toBeLessThanOrEqual(79);
      expect(l).not.toContain('…');
      return l;
    };
    const dash = await bar('1 change pending');
    for (const k of ['p', 'a', 'v', 'd', 'f', 'b', 'e', '?', 'q']) expect(dash).toMatch(new RegExp(`(^| )${k.replace('?', '\\?')}:`));
    stdin.write('e');
    expect(await bar('No events yet')).toMatch(/j\/k.*g\/G.*\/.*w.*q/);
    stdin.write('q');
    await bar('1 change pending');
    stdin.write('?');
    expect(await bar('Plan review and events')).toBe('q back');
    stdin.write('q');
    await bar('1 change pending');
    stdin.write('p');
    expect(await bar('plan line 1')).toMatch(/j\/k scroll {2}g\/G top\/end {2}\/ search {2}a apply {2}q back/);
    unmount();
  });
});
