// An apply that records resources one by one until killed; prints each index once it is durable.
// argv: <state module> <state path>
import { pathToFileURL } from 'node:url';

const [modulePath, statePath] = process.argv.slice(2);
const { LocalFileBackend, openState } = await import(pathToFileURL(modulePath).href);
const session = await openState(new LocalFileBackend(statePath), { drctlVersion: '0.1.0', lock: { operation: 'apply' } });
for (let i = 0; ; i++) {
  const name = `r${String(i).padStart(5, '0')}`;
  await session.upsert({ address: `vm.${name}`, type: 'vm', name, id: `pvm-${i}`, attributes: { processors: 2 }, dependencies: ['site.home'] });
  process.stdout.write(`${i}\n`);
}
