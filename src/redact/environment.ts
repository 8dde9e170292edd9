// The secrets a process environment holds: the PowerVS API key and tokens, the simulator's API
// key, PostgreSQL connection strings and passwords, and any variable whose name says it holds a
// credential (…_TOKEN, …_API_KEY, …_SECRET, …_PASSWORD, …_PASSPHRASE, …_CREDENTIALS).
import { urlCredentials } from './url.js';

/** Variables drctl itself reads that hold credentials (docs/provider.md, docs/simulator.md, docs/state.md). */
export const SECRET_VARIABLES: readonly string[] = [
  'IBMCLOUD_API_KEY',
  'IC_API_KEY',
  'DRCTL_POWERVS_TOKEN',
  'DRCTL_SIM_API_KEY',
  'DRCTL_SIM_TOKEN',
  'DRCTL_PG_CONN_STR',
  'PGPASSWORD',
];

const CREDENTIAL_NAME = /(?:^|_)(?:API_?KEY|TOKEN|SECRET|SECRET_ACCESS_KEY|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|CONN_STR|CONNECTION_STRING)$/i;

/** Whether an environment variable of this name holds a credential. */
export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLES.includes(name) || CREDENTIAL_NAME.test(name);
}

/**
 * The secret values of `env`: the variables named in SECRET_VARIABLES or `names` (a
 * configuration's connection-string or passphrase variable), and those whose names say they
 * hold credentials; a URL-shaped value gives its credentials too.
 */
export function environmentSecrets(env: Readonly<Record<string, string | undefined>>, names: readonly (string | undefined)[] = []): string[] {
  const out: string[] = [];
  const extra = new Set(names.filter((n): n is string => !!n));
  for (const [name, value] of Object.entries(env)) {
    if (!value || !(extra.has(name) || isSecretVariable(name))) continue;
    out.push(value, value.trim(), ...urlCredentials(value));
  }
  return out;
}
