// Readiness of a local cluster over HTTPS with the admin client certificate: /readyz ok, then
// the `default` namespace and its `default` ServiceAccount (made by the controller-manager).
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';

export interface AdminTls {
  ca: string;
  cert: string;
  key: string;
}

export interface HttpResult {
  status: number;
  body: string;
}

/**
 * One GET; network errors resolve as status 0 with the error text. 'insecure': a health check of
 * a component kindlab started on loopback, whose serving certificate it did not issue (a
 * controller's self-signed one): the answer is a health word, not data to trust.
 */
export function get(url: string, tls: AdminTls | 'insecure' | undefined, signal?: AbortSignal, timeoutMs = 5_000): Promise<HttpResult> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const auth = tls === 'insecure' ? { rejectUnauthorized: false } : tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {};
    const opts = { method: 'GET', timeout: timeoutMs, signal, ...auth };
    const req = (u.protocol === 'https:' ? request : httpRequest)(u, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: 0, body: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ status: 0, body: e.message }));
    req.end();
  });
}

export type ReadyStage = 'etcd' | 'readyz' | 'default-namespace' | 'default-serviceaccount' | 'ready';

/** Where the cluster stands: the first check that does not pass yet. */
export async function readiness(etcdUrl: string, apiServerUrl: string, tls: AdminTls, signal?: AbortSignal): Promise<{ stage: ReadyStage; last: HttpResult }> {
  const readyz = await get(`${apiServerUrl}/readyz`, tls, signal);
  if (readyz.status !== 200) {
    const etcd = await get(`${etcdUrl}/health`, undefined, signal, 2_000);
    if (etcd.status !== 200) return { stage: 'etcd', last: etcd };
    return { stage: 'readyz', last: readyz };
  }
  const ns = await get(`${apiServerUrl}/api/v1/namespaces/default`, tls, signal);
  if (ns.status !== 200) return { stage: 'default-namespace', last: ns };
  const sa = await get(`${apiServerUrl}/api/v1/namespaces/default/serviceaccounts/default`, tls, signal);
  if (sa.status !== 200) return { stage: 'default-serviceaccount', last: sa };
  return { stage: 'ready', last: sa };
}
