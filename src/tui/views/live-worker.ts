// The worker thread behind live-view.ts: it owns the progress store and Ink, and draws on the
// command's terminal through its own stream on the same file descriptor, at the lowest
// scheduling priority, so drawing never takes a core the run needs.
import { parentPort, workerData } from 'node:worker_threads';
import * as tty from 'node:tty';
import { startLocalLiveView, type LocalView, type ViewMessage, type ViewSetup, type WorkerReply } from './live-local.js';
import { lowerThisThreadPriority } from './thread-priority.js';

async function main(port: NonNullable<typeof parentPort>, setup: ViewSetup): Promise<void> {
  const reply = (r: WorkerReply) => port.postMessage(r);
  lowerThisThreadPriority();
  // Yoga's loader fetches its inlined wasm with fetch() when there is one, which loads undici
  // (~50 ms on this thread); without it, it decodes the bytes itself. Nothing else here fetches.
  (globalThis as { fetch?: unknown }).fetch = undefined;
  const stream = new tty.WriteStream(setup.fd);
  // The main thread gets SIGWINCH and forwards the size; start from what it saw.
  if (setup.columns) stream.columns = setup.columns;
  if (setup.rows) stream.rows = setup.rows;
  const extensions = setup.dr ? [(await import('../progress/dr.js')).drProgressExtension()] : [];
  const view: LocalView = startLocalLiveView({
    stream,
    color: setup.color,
    title: setup.title,
    env: process.env,
    extensions,
    onFailure: (message) => reply({ type: 'failed', message }),
  });
  port.on('message', (m: ViewMessage) => {
    switch (m.type) {
      case 'events':
        for (const e of m.events) view.sink(e);
        return;
      case 'plan':
        view.setPlan(m.plan);
        return;
      case 'pause':
        view.pause();
        reply({ type: 'done', id: m.id });
        return;
      case 'resume':
        view.resume();
        return;
      case 'resize':
        if (m.columns) stream.columns = m.columns;
        if (m.rows) stream.rows = m.rows;
        stream.emit('resize');
        return;
      case 'stop':
        void view.stop().then(() => {
          reply({ type: 'done', id: m.id });
          port.close();
        });
        return;
    }
  });
}

if (parentPort) void main(parentPort, workerData as ViewSetup);
