// Turns client-node's ApiException into an error whose message is the API server's own words
// ("<code> <reason>: <status message>"), which is what scenarios assert on.
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly status?: unknown,
  ) {
    super(`${code} ${reason}: ${message}`);
    this.name = 'KubeApiError';
  }
}

export function toApiError(e: unknown): unknown {
  if (!e || typeof e !== 'object' || !('code' in e) || typeof (e as { code: unknown }).code !== 'number') return e;
  const ex = e as { code: number; body?: unknown; message?: string };
  let body: unknown = ex.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      /* keep text */
    }
  }
  const status = body && typeof body === 'object' ? (body as { message?: string; reason?: string }) : undefined;
  const message = status?.message ?? (typeof body === 'string' && body ? body : ex.message ?? 'request failed');
  return new KubeApiError(ex.code, status?.reason ?? 'Error', message, body);
}

export function isNotFound(e: unknown): boolean {
  return (e instanceof KubeApiError && e.code === 404) || (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 404);
}
