// Takes the state lock and holds it until told "release" on stdin. Reports JSON lines.
// argv: <state module> <state path> <operation> [race]  (race: wait for "go" before locking)
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const [modulePath, statePath, operation, mode] = process.argv.slice(2);
const { LocalFileBackend } = await import(pathToFileURL(modulePath).href);
const backend = new LocalFileBackend(statePath);
const report = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async () => (await lines.next()).value;

if (mode === 'race') while ((await nextLine()) !== 'go');
let grant;
try {
  grant = await backend.lock({ operation }, { timeoutMs: 0 });
} catch (err) {
  report({ event: 'held', name: err.name, message: err.message });
  process.exit(0);
}
report({ event: 'locked', lock: grant.lock, warnings: grant.warnings });
while ((await nextLine()) !== 'release');
await backend.unlock(grant.lock.id);
report({ event: 'released' });
process.exit(0);
