// Child processes cannot import TypeScript, so tests that need real second processes transpile
// the state module (and what it imports) into a temp dir and hand the children that path. The
// temp dir gets a node_modules link to the project's, so the compiled pg backend finds `pg`.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function transpileTree(dir: string, outDir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = entry.name;
    if (entry.isDirectory()) {
      transpileTree(join(dir, file), outDir);
      continue;
    }
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const source = readFileSync(join(dir, file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    const target = join(outDir, relative(root, dir), file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
}

/** Transpiles src/state (with src/state/pg), src/graph and src/diag into `outDir`; returns the path of state/index.js. */
export function compileStateModule(outDir: string): string {
  for (const area of ['state', 'graph', 'diag']) transpileTree(join(root, 'src', area), outDir);
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  if (!existsSync(join(outDir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return join(outDir, 'src', 'state', 'index.js');
}

export const childScript = (name: string): string => join(root, 'test', 'state', 'child', name);
