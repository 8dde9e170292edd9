// Connections to PostgreSQL and the one rule about them: the connection string may hold a
// password, which is a secret. It never appears in a message, an error, `location`, state or a
// log: locations show it redacted (postgres://user:***@host/db), and every message that comes
// back from the driver or the server is scrubbed of it before it leaves this module.

import type { ClientConfig } from 'pg';

/** The part of a pg client drctl uses; tests hand in others (a simulated transaction pooler). */
export interface PgConnection {
  query(text: string, values?: readonly unknown[]): Promise<{ readonly rows: Array<Record<string, unknown>>; readonly rowCount: number | null }>;
  end(): Promise<void>;
  /** Called when the connection breaks while idle (server gone, session terminated). */
  onError(listener: (err: Error) => void): void;
}

/** "main" runs ordinary statements; "lock" is the dedicated connection that holds an advisory lock. */
export type ConnectionPurpose = 'main' | 'lock';

export type Connect = (purpose: ConnectionPurpose) => Promise<PgConnection>;

/** Something went wrong talking to PostgreSQL; the message is already free of secrets. */
export class PgBackendError extends Error {
  constructor(
    message: string,
    /** The SQLSTATE, when the server sent one (e.g. 28P01 bad password, 42501 no privilege). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PgBackendError';
  }
}

const MASK = '***';
const KV_SECRET = /\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s]*)/gi;
const QUERY_SECRETS = ['password', 'sslpassword'];

/** The connection string with its password (and any password parameter) replaced by ***. */
export function redactConnString(connStr: string): string {
  const text = connStr.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      if (url.password) url.password = MASK;
      for (const name of QUERY_SECRETS) if (url.searchParams.has(name)) url.searchParams.set(name, MASK);
      return url.toString().replaceAll(encodeURIComponent(MASK), MASK);
    } catch {
      // Not a URL after all: mask between "user:" and the last "@" of the authority, as a URL would have it.
      return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@]*@/i, `$1${MASK}@`).replace(KV_SECRET, `$1=${MASK}`).replace(/([?&](?:ssl)?password=)[^&#]*/gi, `$1${MASK}`);
    }
  }
  return text.replace(KV_SECRET, `$1=${MASK}`);
}

/** Every form in which this connection string's secrets could show up in a message. */
export function secretsOf(connStr: string, env: Readonly<Record<string, string | undefined>> = {}): string[] {
  const found = new Set<string>([connStr, connStr.trim()]);
  const add = (s: string | undefined | null) => {
    if (!s) return;
    found.add(s);
    try {
      found.add(decodeURIComponent(s));
    } catch {
      // not percent-encoded
    }
    found.add(encodeURIComponent(s));
  };
  try {
    const url = new URL(connStr.trim());
    add(url.password);
    for (const name of QUERY_SECRETS) add(url.searchParams.get(name));
  } catch {
    for (const m of connStr.matchAll(KV_SECRET)) add(m[2].replace(/^'|'$/g, ''));
    const authority = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@]*)@/i.exec(connStr.trim());
    add(authority?.[1]);
  }
  add(env.PGPASSWORD);
  found.delete('');
  // Longest first, so a password inside the whole string is not replaced piecemeal.
  return [...found].sort((a, b) => b.length - a.length);
}

/** `text` with every secret replaced by ***. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return out;
}

/** A driver or server error as a PgBackendError: scrubbed, with its SQLSTATE, and no cause attached (it may hold the config). */
export function pgError(err: unknown, context: string, secrets: readonly string[]): PgBackendError {
  if (err instanceof PgBackendError) return err;
  const e = err as { message?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  const code = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  return new PgBackendError(`${context}: ${scrub(message, secrets)}`, code);
}

export interface ConnectOptions {
  readonly connStr: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly connectTimeoutMs?: number;
}

/** Opens real connections with node-postgres (loaded on first use, so nothing else pays for it). */
export function pgConnector(options: ConnectOptions): Connect {
  const secrets = secretsOf(options.connStr, options.env);
  const where = redactConnString(options.connStr);
  return async (purpose) => {
    const { default: pg } = await import('pg');
    const config: ClientConfig = {
      connectionString: options.connStr,
      application_name: `drctl (${purpose})`,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 15_000,
      keepAlive: true,
    };
    let client: InstanceType<typeof pg.Client>;
    try {
      client = new pg.Client(config); // parses the string: a malformed one throws here, with the string inside
    } catch (err) {
      throw pgError(err, `Cannot connect to PostgreSQL at ${where}: the connection string is not valid`, secrets);
    }
    let listener: ((err: Error) => void) | null = null;
    // An idle client that loses its server emits "error"; unhandled, it would end the process.
    client.on('error', (err) => listener?.(pgError(err, `PostgreSQL connection to ${where} failed`, secrets)));
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw pgError(err, `Cannot connect to PostgreSQL at ${where}`, secrets);
    }
    return {
      query: async (text, values) => {
        try {
          const result = await client.query(text, values as unknown[] | undefined);
          return { rows: result.rows as Array<Record<string, unknown>>, rowCount: result.rowCount };
        } catch (err) {
          throw pgError(err, `PostgreSQL (${where})`, secrets);
        }
      },
      end: () => client.end().catch(() => undefined),
      onError: (l) => {
        listener = l;
      },
    };
  };
}
