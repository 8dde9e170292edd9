// Real child processes for lock and crash tests, with line-based stdout and bounded waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childScript } from './compiled.js';

export class Child {
  readonly process: ChildProcess;
  readonly lines: string[] = [];
  private readonly exited: Promise<NodeJS.Signals | number | null>;
  private notify: () => void = () => undefined;

  constructor(script: string, args: readonly string[], env?: NodeJS.ProcessEnv) {
    this.process = spawn(process.execPath, [childScript(script), ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: env ?? process.env });
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.notify();
    });
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve(signal ?? code)));
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** Waits until `ready(lines)` holds; fails after `timeoutMs` so a broken child cannot hang the suite. */
  async waitFor(ready: (lines: readonly string[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready(this.lines)) {
      if (Date.now() > deadline) throw new Error(`child ${this.pid} did not get ready; output so far: ${this.lines.slice(-5).join(' | ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.notify = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The JSON event lines printed so far. */
  events(): Array<Record<string, unknown>> {
    return this.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  send(line: string): void {
    this.process.stdin!.write(`${line}\n`);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeJS.Signals | number | null> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
    return this.exited;
  }

  exit(): Promise<NodeJS.Signals | number | null> {
    return this.exited;
  }
}
