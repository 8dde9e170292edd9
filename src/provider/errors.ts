// One error type for everything a provider call can end in. The message always names the
// operation and the resource, e.g.
//   create vm "db01" in workspace erp-prod-dal13: a pvm-instance named "db01" already exists (HTTP 409 conflict)

export type ProviderErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'server_error'
  | 'unavailable'
  | 'timeout'
  | 'network'
  | 'boot_failed'
  | 'operation_failed'
  /** A resource of the name drctl would create exists, and is not drctl's (no identity tag). */
  | 'not_owned'
  | 'config';

export interface ProviderErrorInit {
  readonly code: ProviderErrorCode;
  /** e.g. `vm "db01"`, `volume group "erp_db"`. */
  readonly resource: string;
  readonly operation: string;
  readonly workspace?: string;
  readonly status?: number;
  readonly detail: string;
  /** Attempts made before giving up. */
  readonly attempts?: number;
}

export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly resource: string;
  readonly operation: string;
  readonly workspace?: string;
  readonly status?: number;
  readonly detail: string;
  readonly attempts?: number;

  constructor(init: ProviderErrorInit) {
    const where = init.workspace ? ` in workspace ${init.workspace}` : '';
    const http = init.status ? ` (HTTP ${init.status}${STATUS_WORDS[init.status] ? ` ${STATUS_WORDS[init.status]}` : ''})` : '';
    const tries = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
    super(`${init.operation} ${init.resource}${where}: ${init.detail}${http}${tries}`);
    this.name = 'ProviderError';
    this.code = init.code;
    this.resource = init.resource;
    this.operation = init.operation;
    this.workspace = init.workspace;
    this.status = init.status;
    this.detail = init.detail;
    this.attempts = init.attempts;
  }
}

const STATUS_WORDS: Readonly<Record<number, string>> = {
  400: 'bad request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not found',
  409: 'conflict',
  429: 'too many requests',
  500: 'internal server error',
  502: 'bad gateway',
  503: 'service unavailable',
  504: 'gateway timeout',
};

export function codeForStatus(status: number): ProviderErrorCode {
  if (status === 400 || status === 405 || status === 422) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  return status >= 500 ? 'server_error' : 'bad_request';
}

export function isProviderError(e: unknown, code?: ProviderErrorCode): e is ProviderError {
  return e instanceof ProviderError && (code === undefined || e.code === code);
}
