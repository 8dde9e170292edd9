// Which redactor a use case writes through, and what it is taught: the caller's (the terminal's,
// so text output hides the same values as files do) or a new one that knows the environment's
// credentials; and the configuration's sensitive values, connection strings and passphrases.
import type { DrConfig } from '../config/index.js';
import { environmentSecrets, newRedactor, urlCredentials, type Redactor } from '../redact/index.js';
import type { EngineContext } from './context.js';

/** The secrets a configuration brings: its sensitive values, and the credentials its settings name. */
export function configurationSecrets(config: DrConfig, env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [...(config.sensitiveStrings ?? [])];
  const backend = config.settings.backend;
  const names: (string | undefined)[] = [];
  if (backend.type === 'pg') {
    if (backend.connStr) out.push(backend.connStr, ...urlCredentials(backend.connStr));
    names.push(backend.connStrEnv);
  }
  const enc = config.settings.encryption;
  if (enc) names.push(enc.passphraseEnv, ...(enc.fallbacks ?? []).map((f) => f.passphraseEnv));
  out.push(...environmentSecrets(Object.fromEntries(names.filter((n): n is string => !!n).map((n) => [n, env[n]])), names));
  return out;
}

/** The use case's redactor (the context's, or one that knows the environment), taught `config`'s secrets. */
export function redactorFor(ctx: Pick<EngineContext, 'env' | 'redactor'>, config?: DrConfig): Redactor {
  const r = ctx.redactor ?? newRedactor(environmentSecrets(ctx.env));
  if (config) r.learn(configurationSecrets(config, ctx.env));
  return r;
}

/** A sink that receives every value redacted. */
export function redacting<E>(sink: (e: E) => void, r: Redactor): (e: E) => void {
  return (e) => sink(r.data(e));
}
