// drctl's version, from package.json. The bundles (scripts/bundle.mjs) replace __DRCTL_VERSION__
// with it at build time, so a CLI start reads no file. Unbundled code (tests, dist/) reads the
// package.json beside src/ or dist/ once; a build copied elsewhere without it records '' (the
// state format's "unknown").
import { createRequire } from 'node:module';

declare const __DRCTL_VERSION__: string | undefined;

export const DRCTL_VERSION: string = typeof __DRCTL_VERSION__ === 'string' ? __DRCTL_VERSION__ : packageVersion();

function packageVersion(): string {
  let pkg: { version?: unknown };
  try {
    pkg = createRequire(import.meta.url)('../../package.json') as { version?: unknown };
  } catch {
    return '';
  }
  return typeof pkg.version === 'string' ? pkg.version : '';
}
