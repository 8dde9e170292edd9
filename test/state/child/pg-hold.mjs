// Takes a pg workspace's state lock and holds it until killed or told "release" on stdin; then
// (after "write") tries one more write, reporting how it went. Reports JSON lines.
// argv: <state module> <schema> <workspace> <operation>; the connection string is in DRCTL_PG_CONN_STR.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [modulePath, schema, workspace, operation] = process.argv.slice(2);
const { PgBackend } = await import(pathToFileURL(modulePath).href);
const report = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const backend = PgBackend.open({ connStr: process.env.DRCTL_PG_CONN_STR, schema, workspace });
const grant = await backend.lock({ operation });
report({ event: 'locked', lock: grant.lock });
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'write') {
    try {
      await backend.write(Buffer.from('{"version":1,"serial":9,"lineage":"from-holder"}'));
      report({ event: 'written' });
    } catch (err) {
      report({ event: 'write-failed', name: err.name, message: err.message });
    }
  }
  if (line === 'release') {
    await backend.unlock(grant.lock.id);
    await backend.close();
    report({ event: 'released' });
    process.exit(0);
  }
}
