// Injects a file-system failure into a drctl process at the write seam, for the tests of
// environment failures (a full disk, a read-only directory, an unreadable file) on machines
// where they cannot be made for real (root ignores permissions; not every CI may mount a tmpfs).
// Loaded with `node --import`; DRCTL_TEST_FS_FAULT is JSON:
//   {"code": "ENOSPC", "ops": ["write"], "match": "/state/"}
// ops: open-write (opening a file to write or creating one), write (writing to an open file),
// read (opening or reading a file to read), mkdir, rename. Only paths containing `match` fail,
// and with "after": N, only once N matching calls have succeeded (a disk that fills up mid-run).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { constants } from 'node:os';

const fault = JSON.parse(process.env.DRCTL_TEST_FS_FAULT ?? 'null');
if (fault) {
  const ops = new Set(fault.ops);
  let passed = 0;
  const hits = (p) => typeof p === 'string' && p.includes(fault.match) && passed++ >= (fault.after ?? 0);
  // As Node reports them: a failed open (or mkdir, rename) names its path; a failed write on an
  // open file does not (it only has the descriptor).
  const fail = (syscall, p) => {
    const named = syscall !== 'write';
    const err = new Error(`${fault.code}: injected failure, ${syscall}${named ? ` '${p}'` : ''}`);
    return Object.assign(err, { errno: -(constants.errno[fault.code] ?? 1), code: fault.code, syscall }, named ? { path: p } : {});
  };
  const writing = (flags) => typeof flags === 'string' && /[wa+x]/.test(flags);
  const handlePaths = new WeakMap();

  const open = fsp.open;
  fsp.open = async (p, flags = 'r', mode) => {
    if (hits(String(p)) && (writing(flags) ? ops.has('open-write') : ops.has('read'))) throw fail('open', String(p));
    const h = await open(p, flags, mode);
    handlePaths.set(h, String(p));
    return h;
  };
  const probe = await open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe);
  await probe.close();
  for (const name of ['write', 'writeFile', 'appendFile', 'writev']) {
    const original = proto[name];
    proto[name] = function (...args) {
      const p = handlePaths.get(this);
      if (ops.has('write') && hits(p)) return Promise.reject(fail('write', p));
      return original.apply(this, args);
    };
  }
  for (const [name, op, syscall] of [
    ['writeFile', 'write', 'write'],
    ['appendFile', 'write', 'write'],
    ['mkdir', 'mkdir', 'mkdir'],
    ['rename', 'rename', 'rename'],
    ['readFile', 'read', 'open'],
  ]) {
    const original = fsp[name];
    fsp[name] = async (p, ...rest) => {
      if (ops.has(op) && hits(String(p))) throw fail(syscall, String(p));
      return original(p, ...rest);
    };
  }
  // The synchronous calls services make (the state directory, plan files).
  for (const [name, op, syscall] of [
    ['mkdirSync', 'mkdir', 'mkdir'],
    ['readFileSync', 'read', 'open'],
    ['writeFileSync', 'write', 'write'],
  ]) {
    const original = fs[name];
    fs[name] = (p, ...rest) => {
      if (ops.has(op) && hits(String(p))) throw fail(syscall, String(p));
      return original(p, ...rest);
    };
  }
  syncBuiltinESMExports();
}
