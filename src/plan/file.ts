// Saved plans (`drctl plan -out plan.bin`): the Plan as gzipped JSON behind a magic line, so a
// truncated or foreign file is told apart from a plan of another drctl version.
import { gzipSync, gunzipSync } from 'node:zlib';
import { PLAN_FORMAT_VERSION, type Plan } from './plan.js';

const MAGIC = 'drctl-plan\n';

export function encodePlanFile(plan: Plan): Uint8Array {
  const body = gzipSync(Buffer.from(JSON.stringify(plan), 'utf8'));
  return Buffer.concat([Buffer.from(MAGIC, 'utf8'), body]);
}

export type DecodedPlan = { ok: true; plan: Plan } | { ok: false; reason: string };

export function decodePlanFile(bytes: Uint8Array): DecodedPlan {
  const buf = Buffer.from(bytes);
  if (!buf.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC, 'utf8'))) {
    return { ok: false, reason: 'it is not a drctl plan file (it does not start with the drctl-plan header)' };
  }
  let plan: Plan;
  try {
    plan = JSON.parse(gunzipSync(buf.subarray(MAGIC.length)).toString('utf8')) as Plan;
  } catch (e) {
    return { ok: false, reason: `it is damaged or truncated (${(e as Error).message})` };
  }
  if (plan.formatVersion !== PLAN_FORMAT_VERSION) {
    return { ok: false, reason: `it is in plan format ${plan.formatVersion}, and this drctl reads format ${PLAN_FORMAT_VERSION}` };
  }
  return { ok: true, plan };
}
