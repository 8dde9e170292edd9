// One of several processes applying against the same pg workspace: each round it takes the state
// lock (waiting for it), reads the counter output, adds one and commits. While it holds the lock
// it keeps a witness file created with O_EXCL, so two holders at once show up as EEXIST.
// argv: <state module> <schema> <rounds> <witness file>; the connection string is in DRCTL_PG_CONN_STR.
import { openSync, closeSync, unlinkSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const [modulePath, schema, rounds, witness] = process.argv.slice(2);
const { PgBackend, openState } = await import(pathToFileURL(modulePath).href);
const report = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const lines = (await import('node:readline')).createInterface({ input: process.stdin })[Symbol.asyncIterator]();
while ((await lines.next()).value !== 'go');

for (let round = 0; round < Number(rounds); round++) {
  const backend = PgBackend.open({ connStr: process.env.DRCTL_PG_CONN_STR, schema, workspace: 'race' });
  const session = await openState(backend, { drctlVersion: '0.1.0', lock: { operation: 'apply' }, lockTimeoutMs: 120_000 });
  let fd;
  try {
    fd = openSync(witness, 'wx');
  } catch (err) {
    report({ event: 'overlap', code: err.code, pid: process.pid });
    process.exit(3);
  }
  const before = Number(session.outputs.counter?.value ?? 0);
  await delay(5 + Math.random() * 15); // widen the window a lost update would need
  await session.setOutput('counter', { value: before + 1 });
  await session.commit();
  closeSync(fd);
  unlinkSync(witness);
  await session.close();
  report({ event: 'round', round, before });
}
report({ event: 'done' });
process.exit(0);
