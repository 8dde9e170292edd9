// Bundles the CLI (src/cli/main.ts and everything it imports, oclif and ink included) into
// dist/bundle/. Node then compiles a handful of files at start-up instead of resolving and
// compiling several hundred modules, which is most of a cold `drctl plan`'s fixed cost.
// Dynamic imports stay lazy: each becomes its own chunk (ink only loads on a terminal).
//   node scripts/bundle.mjs   (after tsc; `npm run build` runs both)
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { drctl: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // React's production build: the development one is several times slower to render.
  define: { 'process.env.NODE_ENV': '"production"' },
  // Bundled CommonJS (oclif and its dependencies) calls require() for Node's own modules.
  banner: { js: "import { createRequire as __drctlRequire } from 'node:module'; const require = __drctlRequire(import.meta.url);" },
  // Ink loads its devtools only under DEV=true; the package is not installed.
  // oclif reads tsconfig with typescript only in development (ts-node); never at run time here.
  external: ['react-devtools-core', 'typescript'],
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});

// oclif's command manifest. Without it oclif loads every command class and describes its flags
// on each start; with it, it reads one JSON file. Written from the bundle's own command table.
const { Config } = await import('@oclif/core');
const config = await Config.load({ root, ignoreManifest: true });
const manifest = config.plugins.get(config.pjson.name)?.manifest;
if (!manifest || Object.keys(manifest.commands).length === 0) throw new Error('bundle: oclif found no commands to describe');
writeFileSync(`${root}oclif.manifest.json`, JSON.stringify(manifest) + '\n');
