// Stops the test run's PostgreSQL server (and pgbouncers) when the test runner is gone without
// its teardown (killed, crashed), so no server outlives the run. Started detached by server.ts.
// Servers still running are files in <run dir>/pids/, named by pid, holding the program name;
// a pid is signalled only while /proc says it still runs that program.
// argv: <runner pid> <run dir>
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
const servers = () => {
  const dir = join(runDir, 'pids');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 1)
    .filter((pid) => {
      if (!existsSync('/proc')) return true;
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(readFileSync(join(dir, String(pid)), 'utf8'));
      } catch {
        return false;
      }
    });
};
const timer = setInterval(() => {
  if (!existsSync(runDir)) process.exit(0); // the teardown ran
  if (alive(Number(mainPid))) return;
  clearInterval(timer);
  const pids = servers();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGINT'); // postgres: fast shutdown; pgbouncer: exit
    } catch {}
  }
  const deadline = Date.now() + 15_000;
  const wait = setInterval(() => {
    if (pids.some(alive) && Date.now() < deadline) return;
    clearInterval(wait);
    for (const pid of pids) {
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
