// Webhook targets: which addresses are refused (as written, in other spellings, and as a name
// resolves at delivery), redirects not followed, credentials sent but never shown.
import { afterAll, describe, expect, test } from 'vitest';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { refusedHost, webhookProblem } from '../../src/config/index.js';
import { guardedLookup, webhookNotifier } from '../../src/lifecycle/notify.js';
import type { DrEvent } from '../../src/lifecycle/events-log.js';
import { BASE, diagSummary, load } from '../config/load-helpers.js';

const servers: http.Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const event: DrEvent = {
  run: 'r',
  seq: 1,
  t: 0,
  at: '2026-01-01T00:00:00.000Z',
  name: 'MOVE_FAILED',
  severity: 'critical',
  topic: 'move.failed',
  message: 'x',
};

describe('which hosts are refused', () => {
  test.each([
    ['169.254.169.254', true],
    ['169.254.0.1', true],
    ['[fe80::1]', true],
    ['[fd00:ec2::254]', true],
    ['100.100.100.200', true],
    ['[::ffff:a9fe:a9fe]', true], // 169.254.169.254 mapped into IPv6, as URL parsers spell it
    ['[64:ff9b::a9fe:a9fe]', true], // NAT64
    ['metadata.google.internal', true],
    ['METADATA.GOOGLE.INTERNAL.', true],
    ['instance-data', true],
    ['127.0.0.1', false],
    ['10.0.0.5', false],
    ['hooks.example.com', false],
    ['[::1]', false],
    ['169.253.1.1', false],
  ])('%s refused: %s', (host, refused) => {
    expect(refusedHost(host) !== undefined).toBe(refused);
  });

  test('other spellings of the metadata address are refused once the URL is parsed', () => {
    for (const url of ['http://2852039166/', 'http://0xA9FEA9FE/', 'http://169.254.43518/', 'http://[::ffff:169.254.169.254]/latest'])
      expect(webhookProblem(url, false)?.summary, url).toBe('Webhook address refused');
    expect(webhookProblem('http://169.254.169.254/', true)).toBeUndefined();
    expect(webhookProblem('ftp://hooks.example.com/', false)?.summary).toBe('Invalid webhook URL');
    expect(webhookProblem('file:///etc/passwd', false)?.summary).toBe('Invalid webhook URL');
  });

  test('validate names the notification and where its webhook is written', () => {
    const src = BASE + '\nnotification "ops" {\n  webhook = "http://[fd00:ec2::254]/latest/api/token"\n}\n';
    const r = load(src);
    expect(diagSummary(r).map((d) => d.summary)).toEqual(['Webhook address refused']);
    expect(r.diagnostics[0].detail).toContain('notification "ops"');
    expect(r.diagnostics[0].detail).toContain('allow_link_local = true');
    expect(load(src.replace('/latest/api/token"', '/latest/api/token"\n  allow_link_local = true')).diagnostics).toEqual([]);
  });
});

describe('delivery', () => {
  test('a name that resolves to a link-local address is refused before connecting', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('169.254.169.254', {}, (e) => resolve(e as NodeJS.ErrnoException | null)),
    );
    expect(err?.code).toBe('ELINKLOCAL');
    expect(err?.message).toContain('169.254.169.254');
    const ok = await new Promise<unknown[]>((resolve) => guardedLookup('localhost', {}, (...a) => resolve(a)));
    expect(ok[0]).toBeNull();
  });

  test('a metadata address in the URL is refused without a request', async () => {
    const gaveUp: string[] = [];
    const n = webhookNotifier([{ address: 'notification.ops', webhook: 'http://169.254.169.254/hook', events: ['*'] }], {
      baseDelayMs: 1,
      onGiveUp: (t, e) => gaveUp.push(`${t}: ${e}`),
    });
    n(event);
    await n.drain();
    expect(gaveUp).toEqual(['http://169.254.169.254/hook of notification.ops: Webhook address refused']);
  });

  test('redirects are not followed', async () => {
    let followed = 0;
    const elsewhere = await serve((_q, res) => {
      followed++;
      res.end('ok');
    });
    const hook = await serve((_q, res) => {
      res.writeHead(302, { location: `${elsewhere}/steal` });
      res.end();
    });
    const gaveUp: string[] = [];
    const n = webhookNotifier([{ address: 'notification.ops', webhook: `${hook}/hook`, events: ['*'] }], {
      baseDelayMs: 1,
      onGiveUp: (_t, e) => gaveUp.push(e),
    });
    n(event);
    await n.drain();
    expect(followed).toBe(0);
    expect(gaveUp).toEqual(['HTTP 302 (redirects are not followed)']);
  });

  test('credentials in the URL are sent as basic authentication, the body carries the event', async () => {
    const seen: { auth?: string; body: string; path?: string }[] = [];
    const base = await serve((q, res) => {
      let body = '';
      q.on('data', (d: Buffer) => (body += d.toString()));
      q.on('end', () => {
        seen.push({ auth: q.headers.authorization, body, path: q.url });
        res.end('ok');
      });
    });
    const url = base.replace('http://', 'http://opsbot:Pa55-word@') + '/hook?token=t-1234';
    const n = webhookNotifier([{ address: 'notification.ops', webhook: url, events: ['move.failed'] }]);
    n(event);
    await n.drain();
    expect(n.delivered).toBe(1);
    expect(seen[0].auth).toBe(`Basic ${Buffer.from('opsbot:Pa55-word').toString('base64')}`);
    expect(seen[0].path).toBe('/hook?token=t-1234');
    expect(JSON.parse(seen[0].body)).toEqual({ source: 'drctl', notification: 'notification.ops', event });
  });
});
