// Hash functions: digests of a string's UTF-8 bytes, in lowercase hex (base64sha256 in base64).
import { createHash } from 'node:crypto';
import type { HclFunction } from './call.js';
import { str } from './args.js';

const digest = (algorithm: string, encoding: 'hex' | 'base64'): HclFunction => ({
  params: [str('str')],
  cost: 100,
  impl: ([s], ctx) => {
    ctx.budget.step(Math.ceil((s as string).length / 8));
    return createHash(algorithm)
      .update(s as string, 'utf8')
      .digest(encoding);
  },
});

/** Hash functions. */
export const hashFunctions: Readonly<Record<string, HclFunction>> = Object.freeze({
  md5: digest('md5', 'hex'),
  sha1: digest('sha1', 'hex'),
  sha256: digest('sha256', 'hex'),
  sha512: digest('sha512', 'hex'),
  base64sha256: digest('sha256', 'base64'),
});
