// The redaction layer (src/redact) on its own: what it hides in text and in data, and what it
// must leave alone.
import { describe, expect, test } from 'vitest';
import { environmentSecrets, hasUrlCredentials, newRedactor, redactUrlCredentials, urlCredentials, SENSITIVE_VALUE } from '../../src/redact/index.js';
import { redactingStream } from '../../src/commands/terminal.js';
import { Writable } from 'node:stream';

const S = SENSITIVE_VALUE;

describe('URL credentials', () => {
  test.each([
    ['https://opsbot:Pa55w0rd@hooks.example.com/dr', `https://opsbot:${S}@hooks.example.com/dr`],
    ['postgres://drctl:s3cret@db.internal:5432/state', `postgres://drctl:${S}@db.internal:5432/state`],
    // A raw "@" in the password: the last "@" of the authority separates, as URL parsers do.
    ['https://u:p@ss@host/path@x', `https://u:${S}@host/path@x`],
    // A user name alone may be a token.
    ['https://ghp_abcdef123456@github.com/org/repo', `https://${S}@github.com/org/repo`],
    ['https://hooks.example.com/x?token=abc123&room=dr#sig=zz', `https://hooks.example.com/x?token=${S}&room=dr#sig=${S}`],
    ['https://s3.example.com/o?X-Amz-Signature=f00d&X-Amz-Credential=AKIA/x', `https://s3.example.com/o?X-Amz-Signature=${S}&X-Amz-Credential=${S}`],
    ['host=db user=drctl password=hunter22 sslmode=require', `host=db user=drctl password=${S} sslmode=require`],
  ])('%s', (text, want) => {
    expect(redactUrlCredentials(text)).toBe(want);
    // Redacting twice changes nothing more.
    expect(redactUrlCredentials(want)).toBe(want);
    expect(hasUrlCredentials(text)).toBe(true);
  });

  test.each(['https://hooks.example.com/dr?room=ops&page=2', 'mailto:ops@example.com', 'a = b', 'user@example.com wrote', 'http://127.0.0.1:9000/hook'])(
    'leaves %s alone',
    (text) => {
      expect(redactUrlCredentials(text)).toBe(text);
      expect(hasUrlCredentials(text)).toBe(false);
    },
  );

  test('inside JSON text, the escapes and quotes around a credential stay intact', () => {
    const json = JSON.stringify({ url: 'https://a:b-secret@h/?token=t0k"x' });
    const out = redactUrlCredentials(json);
    expect(JSON.parse(out)).toEqual({ url: `https://a:${S}@h/?token=${S}"x` });
  });

  test('urlCredentials gives the secrets as written and percent-decoded', () => {
    expect(urlCredentials('https://u:p%40ss@h/?api_key=k%2By')).toEqual(['p%40ss', 'p@ss', 'k%2By', 'k+y']);
  });
});

describe('a redactor', () => {
  test('hides what it learned in text, also JSON- and URL-escaped, longest first', () => {
    const r = newRedactor(['hunter2-secret', 'a"quoted\\secret']);
    expect(r.text('pw=hunter2-secret.')).toBe(`pw=${S}.`);
    expect(r.text(JSON.stringify({ v: 'a"quoted\\secret' }))).toBe(`{"v":"${S}"}`);
    expect(r.text(`https://h/x/${encodeURIComponent('a"quoted\\secret')}`)).toBe(`https://h/x/${S}`);
    r.learn(['hunter2-secret-and-more']);
    expect(r.text('hunter2-secret-and-more')).toBe(S);
  });

  test('does not search for short or common values (they would blot out ordinary text)', () => {
    const r = newRedactor(['on', '42', 'true', 'null', '']);
    expect(r.size).toBe(0);
    expect(r.text('true on 42')).toBe('true on 42');
  });

  test('redacts data: strings only, a copy of what changed, the same object when nothing did', () => {
    const r = newRedactor(['s3cr3t-value']);
    const clean = { a: ['x', 1, null, { b: true }] };
    expect(r.data(clean)).toBe(clean);
    const dirty = { keep: { n: 1 }, list: ['s3cr3t-value', 'https://u:pw@h/'], when: new Date(0) };
    const out = r.data(dirty);
    expect(out).toEqual({ keep: { n: 1 }, list: [S, `https://u:${S}@h/`], when: '1970-01-01T00:00:00.000Z' });
    expect(out.keep).toBe(dirty.keep);
    expect(dirty.list[0]).toBe('s3cr3t-value');
  });

  test('a redacting stream writes through the redactor and is otherwise the stream', () => {
    const chunks: string[] = [];
    const sink = Object.assign(
      new Writable({
        write(c, _e, cb) {
          chunks.push(String(c));
          cb();
        },
      }),
      { isTTY: true, columns: 77 },
    );
    const s = redactingStream(sink, newRedactor(['s3cr3t-value']));
    s.write('the value is s3cr3t-value\n');
    expect(chunks).toEqual([`the value is ${S}\n`]);
    expect(s.isTTY).toBe(true);
    expect(s.columns).toBe(77);
    let heard = 0;
    s.on('resize', () => heard++);
    sink.emit('resize');
    expect(heard).toBe(1);
  });
});

describe('the environment', () => {
  test('gives the credentials drctl reads, and those whose names say so; nothing else', () => {
    const found = environmentSecrets({
      IBMCLOUD_API_KEY: 'ibm-key-123456',
      IC_API_KEY: 'ic-key-123456',
      DRCTL_POWERVS_TOKEN: 'bearer-abcdef',
      DRCTL_SIM_API_KEY: 'sim-key-123456',
      DRCTL_PG_CONN_STR: 'postgres://drctl:pg-pass-99@db/x',
      GITHUB_TOKEN: 'ghp_zzzzzzzz',
      MY_SERVICE_PASSWORD: 'pw-123456',
      HOME: '/home/ops',
      PATH: '/usr/bin',
      DRCTL_SIM_TIME_SCALE: '0',
      TOX_TESTENV_PASSENV: 'HOME',
    });
    for (const v of [
      'ibm-key-123456',
      'ic-key-123456',
      'bearer-abcdef',
      'sim-key-123456',
      'postgres://drctl:pg-pass-99@db/x',
      'pg-pass-99',
      'ghp_zzzzzzzz',
      'pw-123456',
    ])
      expect(found).toContain(v);
    for (const v of ['/home/ops', '/usr/bin', '0', 'HOME']) expect(found).not.toContain(v);
    // A variable the configuration names (its passphrase) counts too.
    expect(environmentSecrets({ OPS_STATE_KEY_TEXT: 'correct horse' }, ['OPS_STATE_KEY_TEXT'])).toContain('correct horse');
  });
});
