// Stops the test run's PostgreSQL server (and pgbouncers) when the test runner is gone without
// its teardown (killed, crashed), so no server outlives the run. Started detached by server.ts.
// argv: <runner pid> <run dir>
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [mainPid, runDir] = process.argv.slice(2);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
};
const pids = () => {
  const file = join(runDir, 'pids');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 1);
};
const timer = setInterval(() => {
  if (!existsSync(runDir)) process.exit(0); // the teardown ran
  if (alive(Number(mainPid))) return;
  clearInterval(timer);
  const children = pids();
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGINT'); // postgres: fast shutdown; pgbouncer: safe shutdown
    } catch {}
  }
  const deadline = Date.now() + 15_000;
  const wait = setInterval(() => {
    if (children.some(alive) && Date.now() < deadline) return;
    clearInterval(wait);
    for (const pid of children) {
      try {
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      } catch {}
    }
    const dirs = join(runDir, 'dirs');
    if (existsSync(dirs)) for (const dir of readFileSync(dirs, 'utf8').split('\n').filter(Boolean)) rmSync(dir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
    process.exit(0);
  }, 200);
}, 1000);
