// A real terminal for the prompt tests: the built binary in a tmux session, driven by keys and
// read with capture-pane (as a person would see it). The session's shell prints the exit code.
import { spawnSync } from 'node:child_process';
import { BIN } from '../tui/processes.js';

export class TmuxTerminal {
  private readonly socket = `drctl-prompts-${process.pid}`;

  run(...args: string[]) {
    return spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Starts `drctl ARGS` in `dir` as a user's shell would (no CI marker, no colour), with `env`. */
  start(session: string, dir: string, args: string, env: Record<string, string> = {}): void {
    const vars = Object.entries({ NO_COLOR: '1', DRCTL_SIM_TIME_SCALE: '0', ...env })
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    const cmd = `env -u CI -u FORCE_COLOR ${vars} ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args}; echo "exit=$?"; sleep 60`;
    const r = this.run('new-session', '-d', '-s', session, '-x', '140', '-y', '50', '-c', dir, cmd);
    if (r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
  }

  screen(session: string): string {
    return this.run('capture-pane', '-p', '-J', '-S', '-200', '-t', session).stdout;
  }

  async waitFor(session: string, pattern: RegExp, ms = 60_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen(session);
      if (pattern.test(s)) return s;
      if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async keys(session: string, ...k: string[]): Promise<void> {
    this.run('send-keys', '-t', session, ...k);
    await new Promise((r) => setTimeout(r, 150));
  }

  kill(): void {
    this.run('kill-server');
  }
}
