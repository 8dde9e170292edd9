// Writes ever-newer snapshots until killed, spending its time in write() so a SIGKILL lands
// mid-write. argv: <state module> <state path> <resource count>
import { pathToFileURL } from 'node:url';

const [modulePath, statePath, count] = process.argv.slice(2);
const { LocalFileBackend, serializeState } = await import(pathToFileURL(modulePath).href);
const backend = new LocalFileBackend(statePath);
const resources = Array.from({ length: Number(count) }, (_, i) => ({
  address: `vm.r${String(i).padStart(5, '0')}`,
  type: 'vm',
  name: `r${String(i).padStart(5, '0')}`,
  id: `pvm-${i}`,
  attributes: { processors: 2, notes: 'x'.repeat(200) },
  dependencies: [],
  sensitiveAttributes: [],
}));
// Serialise once; each round only rewrites the serial digits in place (padded with spaces, still valid JSON).
const template = serializeState({ serial: 0, lineage: 'write-loop', drctlVersion: '0.1.0', resources, lifecycles: {}, outputs: {} });
const bytes = Buffer.from(template.replace('"serial": 0,', `"serial": ${' '.repeat(12)},`));
const at = bytes.indexOf('"serial": ') + '"serial": '.length;
for (let serial = 1; ; serial++) {
  bytes.write(String(serial).padEnd(12, ' '), at, 'latin1');
  await backend.write(bytes);
  process.stdout.write(`${serial}\n`);
}
