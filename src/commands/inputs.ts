// Inputs shared by the commands that load configuration: the directory argument, -var and
// -var-file (kept in command-line order, since later ones win), and node:fs access.
import type { VarInput } from '../config/index.js';

/** -var and -var-file in the order given: oclif keeps each flag's values but not their interleaving. */
export function varInputsFromArgv(argv: readonly string[]): VarInput[] {
  const out: VarInput[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    for (const [flag, kind] of [
      ['--var', 'var'],
      ['--var-file', 'file'],
    ] as const) {
      if (a === flag && i + 1 < argv.length) {
        const v = argv[++i];
        out.push(kind === 'var' ? { kind, arg: v } : { kind, path: v });
      } else if (a.startsWith(`${flag}=`)) {
        const v = a.slice(flag.length + 1);
        out.push(kind === 'var' ? { kind, arg: v } : { kind, path: v });
      }
    }
  }
  return out;
}

// Reads never block on a FIFO and are size-limited: see config/node-fs.ts.
export { nodeConfigFs } from '../config/node-fs.js';
