// Errors in the shape the PowerVS API uses: { code, description, error, message }.

const REASONS: Readonly<Record<number, string>> = {
  400: 'bad request',
  401: 'unauthorized',
  404: 'not found',
  409: 'conflict',
  429: 'too many requests',
  500: 'internal server error',
  503: 'service unavailable',
};

export interface PowerVsErrorBody {
  readonly code: number;
  readonly description: string;
  readonly error: string;
  readonly message: string;
}

/** Thrown by world operations; the server turns it into a response. */
export class SimApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimApiError';
  }
  body(): PowerVsErrorBody {
    return errorBody(this.status, this.message);
  }
}

export function errorBody(status: number, message: string): PowerVsErrorBody {
  const reason = REASONS[status] ?? 'error';
  return { code: status, description: message, error: reason, message };
}

export const badRequest = (m: string) => new SimApiError(400, m);
export const notFound = (m: string) => new SimApiError(404, m);
export const conflict = (m: string) => new SimApiError(409, m);
