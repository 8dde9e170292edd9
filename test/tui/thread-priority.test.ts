// The live view's thread runs at the lowest priority, and only that thread: the run it draws
// keeps its own priority (a nice process would slow the apply the view is meant to show).
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { ROOT } from './processes.js';

const nice = (tid: number | 'self') =>
  Number(
    readFileSync(`/proc/${tid === 'self' ? 'thread-self' : `self/task/${tid}`}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ')[16],
  );

describe('view thread priority', () => {
  it('lowers the calling thread to nice 19 and leaves the other threads alone', async (ctx) => {
    // Threads are named through /proc (Linux); elsewhere the view keeps its priority by design.
    ctx.skip(!existsSync('/proc/thread-self'), '/proc/thread-self is absent: not Linux, so threads cannot be named');
    const mod = pathToFileURL(`${ROOT}/dist/tui/views/thread-priority.js`).href;
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       import(${JSON.stringify(mod)}).then((m) => parentPort.postMessage(m.lowerThisThreadPriority()));
       setTimeout(() => {}, 10_000);`,
      { eval: true },
    );
    try {
      const tid = await new Promise<number>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(typeof tid).toBe('number');
      expect(nice(tid)).toBe(19);
      expect(nice('self')).toBe(0);
      expect(nice(process.pid)).toBe(0);
    } finally {
      await worker.terminate();
    }
  });
});
