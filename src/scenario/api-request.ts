// The one raw HTTPS client to a cluster's API server, for what the typed clients cannot express:
// /metrics, /version, node proxy paths (the run's cluster facts, ctx.raw), a request authenticated
// only by a bearer token, and the upgrade requests of scenarios/_support/http.ts. Hand-written on
// node:https because @kubernetes/client-node has no call for an arbitrary path that returns the
// status and body as they are (its request helpers throw on 4xx and parse JSON). Tokens are sent,
// never logged or returned.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import * as https from 'node:https';
import type * as k8s from '@kubernetes/client-node';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. /apis/authentication.k8s.io/v1/selfsubjectreviews */
  path: string;
  body?: unknown;
  /** Authenticate with this token only (the kubeconfig's own credentials are not sent). */
  bearerToken?: string;
  /** Extra headers, e.g. Impersonate-User (with the kubeconfig's credentials). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Options for node:https (or a WebSocket client) that reach the kubeconfig's current cluster. */
export async function apiRequestOptions(kc: k8s.KubeConfig, req: Pick<ApiRequest, 'method' | 'path' | 'bearerToken' | 'headers' | 'signal'>): Promise<https.RequestOptions> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const base = new URL(cluster.server);
  const prefix = base.pathname.replace(/\/+$/, '');
  const opts: https.RequestOptions = {
    method: req.method,
    hostname: base.hostname.replace(/^\[|\]$/g, ''),
    port: base.port || 443,
    path: prefix + req.path,
    headers: { Accept: 'application/json', ...(req.headers ?? {}) },
    signal: req.signal,
  };
  if (req.bearerToken !== undefined) {
    // Only the token authenticates: trust the cluster CA, send no client certificate.
    if (cluster.caData) opts.ca = Buffer.from(cluster.caData, 'base64');
    else if (cluster.caFile) opts.ca = readFileSync(cluster.caFile);
    opts.rejectUnauthorized = !cluster.skipTLSVerify;
    if (cluster.tlsServerName) opts.servername = cluster.tlsServerName;
    (opts.headers as Record<string, string>).Authorization = `Bearer ${req.bearerToken}`;
  } else {
    await kc.applyToHTTPSOptions(opts);
    opts.headers = { ...(opts.headers as Record<string, string>), ...(req.headers ?? {}) };
  }
  return opts;
}

/** One HTTPS request to the API server; resolves with any status (it does not throw on 4xx). */
export async function apiRequest(kc: k8s.KubeConfig, req: ApiRequest): Promise<HttpResult> {
  const opts = await apiRequestOptions(kc, req);
  const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
  if (payload) {
    (opts.headers as Record<string, string>)['Content-Type'] = req.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    (opts.headers as Record<string, string>)['Content-Length'] = String(payload.length);
  }
  return new Promise<HttpResult>((resolve, reject) => {
    const r = https.request(opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.setTimeout(req.timeoutMs ?? 30_000, () => r.destroy(new Error(`timeout: ${req.method} ${req.path}`)));
    r.on('error', reject);
    if (payload) r.write(payload);
    r.end();
  });
}

/** GET a path with the kubeconfig's credentials; the body, or an error naming the status. */
export async function rawGet(kc: k8s.KubeConfig, path: string, signal?: AbortSignal): Promise<string> {
  const res = await apiRequest(kc, { method: 'GET', path, headers: { Accept: '*/*' }, signal });
  if (res.status >= 400) throw new Error(`GET ${path}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  return res.body;
}
