// `drctl sim status`: the simulated world's model time and one line per replicated group, with
// the progress of a copy under way and when it will be consistent (model time, and real time at
// the world's scale).
import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSimStatus } from '../../src/tui/views/sim-status.js';
import { plansCopy, runDrctl, userEnv } from '../tui/processes.js';

describe('drctl sim status', () => {
  it('renders a first copy with its progress and ETA, in model and real time', () => {
    const text = renderSimStatus({
      dataDir: '/w/.drctl/sim',
      now: '2030-01-01T00:00:00.000Z',
      timeScale: 1 / 600,
      groups: [
        { volumeGroup: 'erp_db', from: 'dal13', to: 'wdc04', state: 'inconsistent_copying', activity: 'copying', progress: 42.4, etaSeconds: 1600 },
        { volumeGroup: 'middleware', from: 'dal13', to: 'wdc04', state: 'consistent_copying', activity: 'in-sync', progress: 100, lagSeconds: 154 },
      ],
    });
    expect(text).toContain('model time 2030-01-01T00:00:00.000Z, time scale 1/600');
    expect(text).toContain('erp_db: dal13 → wdc04, inconsistent_copying, first copy 42%, consistent in 26m40s (2.7s real)');
    expect(text).toContain('middleware: dal13 → wdc04, consistent_copying, in sync, lag 2m34s');
  });

  const dir = plansCopy();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says what to do when there is no world yet, then lists every replicated group of the applied example', async () => {
    const env = userEnv();
    const none = await runDrctl(['sim', 'status'], dir, env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No simulated world in');
    expect(none.stderr).toContain('Run drctl apply first');
    expect((await runDrctl(['apply', 'plans', '-auto-approve'], dir, env, 120_000)).code).toBe(0);
    const out = await runDrctl(['sim', 'status', '--json'], dir, env);
    expect(out.code).toBe(0);
    const status = JSON.parse(out.stdout) as { groups: { volumeGroup: string; state: string }[] };
    expect(status.groups.map((g) => g.volumeGroup)).toEqual(['erp_db', 'ibmi_erp', 'middleware']);
    expect(status.groups.every((g) => g.state === 'consistent_copying')).toBe(true); // time scale 0: instant copies
  });
});
