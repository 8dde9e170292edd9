// Bundles the CLI (src/cli/main.ts and everything it imports, oclif and ink included) into
// dist/bundle/. Node then compiles a handful of files at start-up instead of resolving and
// compiling several hundred modules, which is most of a cold `drctl plan`'s fixed cost.
// Dynamic imports stay lazy: each becomes its own chunk (ink only loads on a terminal).
// Plain plan and apply runs start from a second, one-file bundle (fast.cjs) without oclif.
//   node scripts/bundle.mjs [--if-stale]   (`npm run build` runs tsc, then this)
// --if-stale skips the work when the bundle is newer than every source file (the test setup
// uses it, so tests that spawn bin/drctl.js always run the current sources).
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const devtoolsStub = {
  name: 'react-devtools-core-stub',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default { initialize() {}, connectToDevTools() {} };', loader: 'js' }));
  },
};

/** Builds the bundle and the oclif manifest under `root` (a directory path ending in /). */
export async function bundle(root, { ifStale = false } = {}) {
  const outdir = join(root, 'dist/bundle');
  const entry = join(outdir, 'drctl.js');
  // package.json counts as a source: the bundle carries its version.
  if (ifStale && existsSync(entry) && Math.max(newestSource(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs) < statSync(entry).mtimeMs)
    return false;
  // Built beside, then swapped in, so a drctl starting meanwhile finds a whole bundle.
  const staging = `${outdir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const common = {
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // React's production build: the development one is several times slower to render. drctl's
    // version is read from package.json here, so a start never reads it (src/services/version.ts).
    define: { 'process.env.NODE_ENV': '"production"', __DRCTL_VERSION__: JSON.stringify(version) },
    // Bundled CommonJS (oclif and its dependencies) calls require() for Node's own modules.
    banner: { js: "import { createRequire as __drctlRequire } from 'node:module'; const require = __drctlRequire(import.meta.url);" },
    // oclif reads tsconfig with typescript only in development (ts-node). The PostgreSQL driver
    // is loaded from node_modules only when a pg backend connects: bundled, it would add a
    // quarter of a megabyte to the plan/apply fast bundle that every local run loads.
    external: ['typescript', 'pg'],
    // Ink connects to React DevTools only under DEV=true; the package is not installed.
    plugins: [devtoolsStub],
    legalComments: 'none',
    logLevel: 'warning',
  };
  // live-view is an entry of its own (dist/bundle/live-view.js), so its worker sits beside it
  // at dist/bundle/live-worker.js for both bundles, as it does beside live-view.js in dist/.
  await build({
    ...common,
    entryPoints: { drctl: 'src/cli/main.ts', commands: 'src/cli/commands.ts', 'live-view': 'src/tui/views/live-view.ts' },
    outdir: staging,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  });
  // plan and apply in one CommonJS file (src/cli/fast-main.ts): no oclif, no ink, no chunks to
  // load. bin/drctl.js compiles it with a V8 code cache (CommonJS, since Node 20 keeps no cache
  // for ES modules). Its dynamic imports become lazily run parts of the file; it inlines
  // live-view.ts, whose worker it finds beside itself through __drctlUrl (its own file URL).
  await build({
    ...common,
    format: 'cjs',
    banner: {},
    define: { ...common.define, 'import.meta.url': '__drctlUrl' },
    // import('node:http') becomes require(): a script compiled by node:vm has no module loader.
    supported: { 'dynamic-import': false },
    entryPoints: ['src/cli/fast-main.ts'],
    outfile: join(staging, 'fast.cjs'),
  });
  const fastText = readFileSync(join(staging, 'fast.cjs'), 'utf8');
  if (/\bimport\(/.test(fastText.replace(/\/\/.*$/gm, ''))) throw new Error('bundle: the fast bundle still has a dynamic import(), which node:vm cannot run');
  for (const banned of ['node_modules/@oclif/core/', 'node_modules/ink/']) {
    if (fastText.includes(`// ${banned}`)) throw new Error(`bundle: the fast bundle took in ${banned}; it must stay out of the plan/apply start path`);
  }
  // The live view's worker thread, whole in one file.
  await build({ ...common, entryPoints: ['src/tui/views/live-worker.ts'], outfile: join(staging, 'live-worker.js') });
  if (!readFileSync(join(staging, 'live-view.js'), 'utf8').includes('"./live-worker.js"'))
    throw new Error('bundle: live-view.js does not start ./live-worker.js from beside itself');
  const old = `${outdir}.${process.pid}.old`;
  if (existsSync(outdir)) renameSync(outdir, old);
  renameSync(staging, outdir);
  rmSync(old, { recursive: true, force: true });

  // oclif's command manifest. Without it oclif loads every command class and describes its
  // flags on each start; with it, it reads one JSON file. Written from the bundle's commands.
  // The old manifest goes first: oclif's root plugin reads one when it finds it (ignoreManifest
  // does not reach the root plugin), and a command added since would be left out of the new one.
  rmSync(join(root, 'oclif.manifest.json'), { force: true });
  const { Config } = await import('@oclif/core');
  // oclif reads an existing manifest even with ignoreManifest, and would describe the old commands again.
  rmSync(join(root, 'oclif.manifest.json'), { force: true });
  const config = await Config.load({ root, ignoreManifest: true });
  const manifest = config.plugins.get(config.pjson.name)?.manifest;
  if (!manifest || Object.keys(manifest.commands).length === 0) throw new Error('bundle: oclif found no commands to describe');
  const tmp = join(root, `oclif.manifest.json.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify(manifest) + '\n');
  renameSync(tmp, join(root, 'oclif.manifest.json'));
  return true;
}

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await bundle(fileURLToPath(new URL('..', import.meta.url)), { ifStale: process.argv.includes('--if-stale') });
}
