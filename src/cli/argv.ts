// Terraform spells long flags with one dash (-auto-approve, -var=x=1). oclif reads `-ab` as two
// short flags, so single-dash words of two or more letters are rewritten to the `--` form first.
const SINGLE_DASH_LONG = /^-([a-z][a-z0-9-]+)(=.*)?$/;

export function normalizeArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let passthrough = false;
  for (const arg of argv) {
    if (passthrough || arg === '--') {
      passthrough = true;
      out.push(arg);
      continue;
    }
    const m = SINGLE_DASH_LONG.exec(arg);
    out.push(m ? `--${m[1]}${m[2] ?? ''}` : arg);
  }
  return out;
}
