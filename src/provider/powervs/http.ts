// One HTTP exchange at a time per call, over keep-alive connections, with at most
// `maxConcurrency` requests in flight per endpoint. The timer covers the exchange itself,
// not the wait for a free slot. Failures without a response become TransportError.

import http from 'node:http';
import https from 'node:https';

export type TransportFailure = 'reset' | 'timeout' | 'refused' | 'network';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: unknown;
  readonly text: string;
}

export interface HttpTransportOptions {
  readonly maxConcurrency: number;
  readonly timeoutMs: number;
}

export class HttpTransport {
  private readonly agent: http.Agent;
  /** Held requests (long-polls) idle on the server: they get their own sockets and no slot. */
  private readonly heldAgent: http.Agent;
  private readonly lib: typeof http | typeof https;
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly base: URL,
    private readonly opts: HttpTransportOptions,
  ) {
    const isHttps = base.protocol === 'https:';
    this.lib = isHttps ? https : http;
    const agentOpts = { keepAlive: true, maxSockets: opts.maxConcurrency, maxFreeSockets: opts.maxConcurrency };
    this.agent = isHttps ? new https.Agent(agentOpts) : new http.Agent(agentOpts);
    this.heldAgent = isHttps ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /**
   * `heldMs` marks a request the server may hold that long before answering (a long-poll): it
   * takes no concurrency slot, since it only waits, and its timeout grows by that much.
   */
  async send(method: string, path: string, body: unknown, headers: Record<string, string>, heldMs = 0): Promise<HttpResponse> {
    if (heldMs > 0) return this.exchange(method, path, body, headers, this.heldAgent, this.opts.timeoutMs + heldMs);
    await this.acquire();
    try {
      return await this.exchange(method, path, body, headers, this.agent, this.opts.timeoutMs);
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.opts.maxConcurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }

  private exchange(method: string, path: string, body: unknown, headers: Record<string, string>, agent: http.Agent, timeoutMs: number): Promise<HttpResponse> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const basePath = this.base.pathname.replace(/\/$/, '');
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (e: TransportError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(e);
      };
      const req = this.lib.request(
        {
          agent,
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port || undefined,
          path: basePath + path,
          method,
          headers: {
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('aborted', () => fail(new TransportError('reset', 'connection closed mid-response')));
          res.on('error', (e) => fail(classify(e)));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = undefined;
            if (text) {
              try {
                parsed = JSON.parse(text);
              } catch {
                parsed = undefined;
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
          });
        },
      );
      const timer = setTimeout(() => {
        fail(new TransportError('timeout', `no answer within ${timeoutMs} ms`));
        req.destroy();
      }, timeoutMs);
      req.on('error', (e) => fail(classify(e)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
    this.heldAgent.destroy();
  }
}

function classify(e: Error): TransportError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return new TransportError('refused', `connection refused (${e.message})`);
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(e.message)) return new TransportError('reset', `connection reset (${e.message})`);
  if (code === 'ETIMEDOUT') return new TransportError('timeout', e.message);
  return new TransportError('network', e.message);
}
