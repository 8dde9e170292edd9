// Webhook notifications: each `notification` block gets a POST for the events it subscribes to
// (by topic or by KSYS name). Delivery retries with backoff; a target that stays down is
// reported as a warning and never fails the run.
import type { Notification } from '../config/index.js';
import type { DrEvent } from './events-log.js';

export interface NotifyOptions {
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly onGiveUp?: (target: string, error: string) => void;
}

export interface Notifier {
  (e: DrEvent): void;
  /** Waits for deliveries in flight (bounded by their retries). */
  drain(): Promise<void>;
  readonly delivered: number;
  readonly failed: number;
}

export function wants(n: Pick<Notification, 'events'>, e: DrEvent): boolean {
  if (e.name === 'machine.transition' || e.name === 'run.step') return false;
  return n.events.includes('*') || n.events.includes(e.name) || (e.topic !== undefined && n.events.includes(e.topic));
}

export function webhookNotifier(targets: readonly Pick<Notification, 'webhook' | 'events' | 'address'>[], opts: NotifyOptions = {}): Notifier {
  const attempts = opts.attempts ?? 4;
  const base = opts.baseDelayMs ?? 200;
  const post = opts.fetch ?? fetch;
  const inFlight = new Set<Promise<void>>();
  const counts = { delivered: 0, failed: 0 };
  const deliver = async (url: string, body: string): Promise<void> => {
    let last = '';
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, base * 2 ** (i - 1)));
      try {
        const res = await post(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        });
        if (res.ok) {
          counts.delivered++;
          return;
        }
        last = `HTTP ${res.status}`;
        if (res.status < 500 && res.status !== 429) break;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
    }
    counts.failed++;
    opts.onGiveUp?.(url, last);
  };
  const notifier = ((e: DrEvent) => {
    for (const t of targets) {
      if (!wants(t, e)) continue;
      const p = deliver(t.webhook, JSON.stringify({ source: 'drctl', notification: t.address, event: e })).catch(() => undefined);
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
