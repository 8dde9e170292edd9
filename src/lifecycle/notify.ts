// Webhook notifications: each `notification` block gets a POST for the events it subscribes to
// (by topic or by KSYS name). Delivery retries with backoff; a target that stays down is
// reported as a warning and never fails the run. A target is checked before every delivery: a
// link-local or cloud metadata address (written, or resolved from the host name) is refused
// unless the notification allows it, and redirects are not followed. The events arrive redacted
// (session.ts), so a body never carries a secret.
import * as dns from 'node:dns';
import { refusedAddress, webhookProblem, type Notification } from '../config/index.js';
import type { DrEvent } from './events-log.js';

export interface NotifyOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly timeoutMs?: number;
  /** A target gave up: its URL and notification ("https://… of notification.ops"), and why. */
  readonly onGiveUp?: (target: string, error: string) => void;
}

export interface Notifier {
  (e: DrEvent): void;
  /** Waits for deliveries in flight (bounded by their retries). */
  drain(): Promise<void>;
  readonly delivered: number;
  readonly failed: number;
}

type Target = Pick<Notification, 'webhook' | 'events' | 'address'> & Partial<Pick<Notification, 'allowLinkLocal'>>;

export function wants(n: Pick<Notification, 'events'>, e: DrEvent): boolean {
  if (e.name === 'machine.transition' || e.name === 'run.step') return false;
  return n.events.includes('*') || n.events.includes(e.name) || (e.topic !== undefined && n.events.includes(e.topic));
}

/** dns.lookup, refusing a name that resolves to a link-local or metadata address (DNS rebinding included). */
export function guardedLookup(hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err);
    for (const a of addresses) {
      const why = refusedAddress(a.address);
      if (why)
        return callback(
          Object.assign(new Error(`${hostname} resolves to ${a.address}, ${why}: refused (allow_link_local = true allows it)`), { code: 'ELINKLOCAL' }),
        );
    }
    if (options.all) return callback(null, addresses);
    if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
    callback(null, addresses[0].address, addresses[0].family);
  });
}

/** One POST; resolves with the HTTP status. */
async function post(url: URL, body: string, timeoutMs: number, allowLinkLocal: boolean): Promise<number> {
  const client = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        // A fresh connection each time: nothing keeps the process alive after the run.
        agent: false,
        ...(allowLinkLocal ? {} : { lookup: guardedLookup as never }),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(body);
  });
}

export function webhookNotifier(targets: readonly Target[], opts: NotifyOptions = {}): Notifier {
  const attempts = opts.attempts ?? 4;
  const base = opts.baseDelayMs ?? 200;
  const inFlight = new Set<Promise<void>>();
  const counts = { delivered: 0, failed: 0 };
  const deliver = async (t: Target, body: string): Promise<void> => {
    let last = '';
    const allow = t.allowLinkLocal === true;
    const problem = webhookProblem(t.webhook, allow);
    for (let i = 0; i < attempts && !problem; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, base * 2 ** (i - 1)));
      try {
        const status = await post(new URL(t.webhook), body, opts.timeoutMs ?? 5000, allow);
        if (status >= 200 && status < 300) {
          counts.delivered++;
          return;
        }
        last = `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`;
        if (status < 500 && status !== 429) break;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
        if ((e as NodeJS.ErrnoException).code === 'ELINKLOCAL') break;
      }
    }
    counts.failed++;
    opts.onGiveUp?.(`${t.webhook} of ${t.address}`, problem ? problem.summary : last);
  };
  const notifier = ((e: DrEvent) => {
    for (const t of targets) {
      if (!wants(t, e)) continue;
      const p = deliver(t, JSON.stringify({ source: 'drctl', notification: t.address, event: e })).catch(() => undefined);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  }) as Notifier;
  notifier.drain = async () => {
    while (inFlight.size) await Promise.all([...inFlight]);
  };
  Object.defineProperty(notifier, 'delivered', { get: () => counts.delivered });
  Object.defineProperty(notifier, 'failed', { get: () => counts.failed });
  return notifier;
}
