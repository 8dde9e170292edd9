import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { Text } from 'ink';
import { useEngineEvents, frameGate } from '../../src/tui/ink/hooks/use-engine-events.js';
import { ProgressStore } from '../../src/tui/progress/model.js';
import { tick } from './fixtures.js';

describe('frameGate', () => {
  it('draws at once, then at most once per interval, with the trailing request kept', async () => {
    let draws = 0;
    const gate = frameGate(() => draws++, 40);
    gate.request();
    for (let i = 0; i < 1000; i++) gate.request();
    expect(draws).toBe(1);
    await tick(60);
    expect(draws).toBe(2);
    gate.cancel();
  });
});

describe('useEngineEvents', () => {
  it('folds thousands of events into a few frames (≤ 15 fps) and ends on the latest state', async () => {
    const store = new ProgressStore({ now: () => performance.now(), collapseAbove: 100 });
    let renders = 0;
    function Probe() {
      const s = useEngineEvents(store, { fps: 15, tickMs: 1000 });
      renders++;
      return <Text>{`${s.done}/${s.total}`}</Text>;
    }
    const { lastFrame, unmount } = render(<Probe />);
    const t0 = performance.now();
    store.dispatch({ type: 'apply.start', t: 0, total: 5000, parallelism: 50 });
    for (let i = 0; i < 5000; i++) {
      store.dispatch({ type: 'resource.start', t: 0, address: `vm.a[${i}]`, action: 'create' });
      store.dispatch({ type: 'resource.done', t: 0, address: `vm.a[${i}]`, action: 'create', id: String(i), elapsedMs: 1 });
      if (i % 1000 === 0) await tick(1);
    }
    await tick(150);
    const ms = performance.now() - t0;
    expect(lastFrame()).toBe('5000/5000');
    // One initial render, then at most one per 1/15 s of the test's duration (plus a trailing frame).
    expect(renders).toBeLessThanOrEqual(2 + Math.ceil(ms / (1000 / 15)));
    unmount();
  });
});
