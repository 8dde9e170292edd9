// Plan files and state hold no secret: a sensitive value is a keyed hash there. A saved plan
// takes its sensitive values from the configuration when applied, and refuses values that
// changed since; a sensitive argument of a recovery group (post_check_env) is hashed in state at
// its path, and the next plan still sees no change.
import { afterAll, describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { drctl, filesUnder, leaks, withOpsWebhook, workspace } from './harness.js';

const SECRET = 'db-pass-0c4f8e2a71';
const OTHER = 'db-pass-99aa11bb22';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function sensitiveWorkspace(): string {
  const dir = workspace((f, t) => {
    if (f === 'variables.hcl') return t + '\nvariable "db_password" {\n  type      = string\n  sensitive = true\n}\n';
    if (f === 'recovery.hcl')
      return withOpsWebhook(t, 'http://127.0.0.1:9/hook/${var.db_password}').replace(
        'post_check = "scripts/db-ready.sh"',
        'post_check = "scripts/db-ready.sh"\n    post_check_env = { DB_PASSWORD = var.db_password }',
      );
    return t;
  });
  dirs.push(dir);
  return dir;
}

describe('plan files and state', () => {
  test('a saved plan holds keyed hashes, shows (sensitive value), applies with the same value and converges', async () => {
    const dir = sensitiveWorkspace();
    const env = { DRCTL_VAR_db_password: SECRET };
    const plan = await drctl(['plan', 'plans', '-out', 'plan.bin'], dir, env);
    expect(plan.code, plan.stderr).toBe(0);
    const file = filesUnder(dir).find((f) => f.file === 'plan.bin')!;
    expect(file.text).not.toContain(SECRET);
    expect(file.text).toContain('"hmac_sha256"');
    const show = await drctl(['show', 'plan.bin'], dir, env);
    const showJson = await drctl(['show', 'plan.bin', '-json'], dir, env);
    expect(show.stdout).toContain('webhook = (sensitive value)');
    // A group's sensitive argument, inside the groups list (element-level layout, as Terraform).
    expect(show.stdout).toMatch(/\+ post_check_env\s+= \(sensitive value\)\n/);
    expect(showJson.stdout).not.toContain('hmac_sha256');
    const apply = await drctl(['apply', 'plan.bin'], dir, env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(leaks([SECRET], [plan, show, showJson, apply], dir)).toEqual([]);
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state/erp.drstate.json'), 'utf8')) as {
      resources: { address: string; sensitive_attributes: string[]; attributes: { groups?: { post_check_env?: unknown }[] } }[];
    };
    const rp = state.resources.find((r) => r.address === 'recovery_plan.erp')!;
    expect(rp.sensitive_attributes).toContain('groups.1.post_check_env');
    expect(rp.attributes.groups![1].post_check_env).toMatchObject({ sensitive: true });
    // The keyed hashes still stand for the values: nothing to change.
    const again = await drctl(['plan', 'plans', '-detailed-exitcode'], dir, env);
    expect(again.code, again.stdout).toBe(0);
  }, 180_000);

  test('a saved plan applied with another value of a sensitive variable is refused', async () => {
    const dir = sensitiveWorkspace();
    expect((await drctl(['plan', 'plans', '-out', 'plan.bin'], dir, { DRCTL_VAR_db_password: SECRET })).code).toBe(0);
    const r = await drctl(['apply', 'plan.bin'], dir, { DRCTL_VAR_db_password: OTHER });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('plan.bin cannot be applied: the value of');
    expect(r.stderr).toContain('is not the one the plan was made with');
    expect(fs.existsSync(path.join(dir, 'state/erp.drstate.json'))).toBe(false);
    expect(leaks([SECRET, OTHER], [r], dir)).toEqual([]);
  }, 120_000);
});
