import { describe, expect, it } from 'vitest';
import { isRedacted, parseAttributePath, redact, sensitiveValueMatches } from '../../src/state/index.js';
import { redactAttributes } from '../../src/state/sensitive.js';

const LINEAGE = 'c3b0a1f2-5d6e-4f70-8a9b-0c1d2e3f4a5b';

describe('sensitive attributes', () => {
  it('is HMAC-SHA256 keyed by lineage over address, path and canonical value (checked with openssl)', () => {
    // printf 'orchestrator.ksys\ncredentials.password\n"hunter2"' | openssl dgst -sha256 -hmac 'drctl-state:<lineage>'
    expect(redact(LINEAGE, 'orchestrator.ksys', 'credentials.password', 'hunter2')).toEqual({
      sensitive: true,
      hmac_sha256: '229596f239053d1a2b29e46c3141745383b77518d7e65753452e03acd6c4c3d4',
    });
  });

  it('gives the same secret on two resources different markers', () => {
    expect(redact(LINEAGE, 'vm.a', 'pw', 'same').hmac_sha256).not.toBe(redact(LINEAGE, 'vm.b', 'pw', 'same').hmac_sha256);
    expect(redact(LINEAGE, 'vm.a', 'pw', 'same').hmac_sha256).not.toBe(redact('other-lineage', 'vm.a', 'pw', 'same').hmac_sha256);
  });

  it('detects drift without the stored value', () => {
    const stored = redact(LINEAGE, 'vm.db01', 'admin_password', 'hunter2');
    expect(sensitiveValueMatches(LINEAGE, 'vm.db01', 'admin_password', stored, 'hunter2')).toBe(true);
    expect(sensitiveValueMatches(LINEAGE, 'vm.db01', 'admin_password', stored, 'hunter3')).toBe(false);
    expect(sensitiveValueMatches(LINEAGE, 'vm.db01', 'admin_password', 'hunter2', 'hunter2')).toBe(false);
  });

  it('redacts nested keys and list items, ignores absent paths, keeps markers, and leaves the input alone', () => {
    const input = { credentials: { user: 'root', password: 'pw' }, keys: ['a', 'b'], note: 'x' };
    const out = redactAttributes(input, ['credentials.password', 'keys.1', 'missing.path', 'keys.7'], LINEAGE, 'vm.a');
    expect(input.credentials.password).toBe('pw');
    expect((out.credentials as Record<string, unknown>).user).toBe('root');
    expect(isRedacted((out.credentials as Record<string, unknown>).password)).toBe(true);
    expect((out.keys as unknown[])[0]).toBe('a');
    expect(isRedacted((out.keys as unknown[])[1])).toBe(true);
    expect(out.note).toBe('x');
    expect(redactAttributes(out, ['credentials.password'], LINEAGE, 'vm.a')).toBe(out);
  });

  it('parses attribute paths and rejects empty segments', () => {
    expect(parseAttributePath('users.0.secret')).toEqual(['users', 0, 'secret']);
    expect(parseAttributePath('a..b')).toBeUndefined();
    expect(parseAttributePath('')).toBeUndefined();
  });
});
