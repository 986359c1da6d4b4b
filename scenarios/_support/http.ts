// Raw HTTPS to the API server for the few checks the typed clients cannot express: a request
// authenticated only by a bearer token (TokenRequest, JWT issuers), a WebSocket on pods/exec read
// frame by frame (the ws library), and a non-WebSocket upgrade. The HTTPS client itself is
// kindlab's one (src/scenario/api-request.ts); tokens are sent, never logged or returned.
import type { IncomingHttpHeaders } from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { apiRequest as coreRequest, apiRequestOptions, type ApiRequest, type HttpResult, type ScenarioContext } from 'kindlab';

export type { HttpResult, ApiRequest };

type Ctx = Pick<ScenarioContext, 'kc'>;

const requestOptions = (ctx: Ctx, req: Pick<ApiRequest, 'method' | 'path' | 'bearerToken' | 'headers'>) => apiRequestOptions(ctx.kc, req);

/** One HTTPS request to the API server; resolves with any status (it does not throw on 4xx). */
export function apiRequest(ctx: Ctx, req: ApiRequest): Promise<HttpResult> {
  return coreRequest(ctx.kc, req);
}

/** Parse a JSON body, with the raw text in the error when it is not JSON. */
export function json<T = Record<string, unknown>>(res: HttpResult): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new Error(`expected JSON from the API server (HTTP ${res.status}), got: ${res.body.slice(0, 300)}`);
  }
}

export interface WebSocketFrame {
  opcode: number;
  /** For data frames of the k8s channel protocols: the first payload byte. */
  channel?: number;
  /** Payload (after the channel byte for data frames) as UTF-8. */
  text: string;
}

export interface WebSocketResult {
  /** 101 when the upgrade was accepted. */
  status: number;
  headers: IncomingHttpHeaders;
  /** The sub-protocol the server chose (Sec-WebSocket-Protocol), if any. */
  protocol?: string;
  /** Frames received until the server closed the connection or `readMs` elapsed. */
  frames: WebSocketFrame[];
  /** Response body when the upgrade was refused. */
  body: string;
}

/**
 * Open a WebSocket on an API path such as pods/<p>/exec?..., offering the given sub-protocols,
 * and read what the server sends for `readMs` (or until it closes). The WebSocket protocol is the
 * `ws` library's; this only collects frames of the Kubernetes channel protocols (the first byte
 * of each data frame is the channel). Uses the kubeconfig's credentials; pass `headers` for
 * impersonation. A refused upgrade resolves with its status and body.
 */
export async function webSocket(
  ctx: Ctx,
  path: string,
  protocols: string[],
  opts: { headers?: Record<string, string>; readMs?: number } = {},
): Promise<WebSocketResult> {
  const { default: WebSocket } = await import('ws');
  const ro = await requestOptions(ctx, { method: 'GET', path, headers: opts.headers });
  const headers = { ...(ro.headers as Record<string, string>) };
  delete headers.Accept; // an upgrade negotiates by sub-protocol, not by media type
  const url = `wss://${ro.hostname?.includes(':') ? `[${ro.hostname}]` : ro.hostname}:${String(ro.port)}${ro.path ?? ''}`;
  return new Promise<WebSocketResult>((resolve, reject) => {
    const frames: WebSocketFrame[] = [];
    let upgraded: { status: number; headers: IncomingHttpHeaders } | undefined;
    let done = false;
    const ws = new WebSocket(url, protocols, {
      headers,
      ca: ro.ca,
      cert: ro.cert,
      key: ro.key,
      ...(ro.servername ? { servername: ro.servername } as Record<string, string> : {}),
      rejectUnauthorized: ro.rejectUnauthorized,
      handshakeTimeout: 30_000,
    });
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.terminate();
      resolve({ status: upgraded?.status ?? 0, headers: upgraded?.headers ?? {}, protocol: ws.protocol || undefined, frames, body: '' });
    };
    const timer = setTimeout(finish, opts.readMs ?? 10_000);
    ws.on('upgrade', (res) => {
      upgraded = { status: res.statusCode ?? 101, headers: res.headers };
    });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        done = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, frames: [], body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    ws.on('message', (data, isBinary) => {
      const b = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      frames.push({ opcode: isBinary ? 2 : 1, channel: b.length > 0 ? b[0] : undefined, text: b.subarray(1).toString('utf8') });
    });
    ws.on('close', (_code, reason) => {
      frames.push({ opcode: 8, text: reason.toString('utf8') });
      finish();
    });
    ws.on('error', (e) => {
      if (done) return;
      if (upgraded) finish();
      else {
        done = true;
        clearTimeout(timer);
        reject(e);
      }
    });
  });
}

export interface OpenedWebSocket {
  /** 101 when the upgrade was accepted. */
  status: number;
  headers: IncomingHttpHeaders;
  /** The sub-protocol the server chose, if any. */
  protocol?: string;
  /** Response body when the upgrade was refused. */
  body: string;
  /** The open WebSocket (status 101 only); the caller sends, reads and closes it. */
  socket?: import('ws').WebSocket;
}

/**
 * Open a WebSocket on an API path and hand it over open, for protocols whose messages are not the
 * channel frames `webSocket()` collects (e.g. SPDY tunnelled through a WebSocket for port-forward).
 * A refused upgrade resolves with its status and body. The caller must close the socket.
 *
 * The sub-protocols are offered in the Sec-WebSocket-Protocol header directly, and the server's
 * choice is read (and taken off the response) before the ws library checks it: ws only accepts
 * RFC 7230 tokens, and `SPDY/3.1+portforward.k8s.io` has a '/', which Kubernetes (gorilla/websocket)
 * accepts. The chosen protocol is checked here instead: it must be one of those offered.
 */
export async function openWebSocket(
  ctx: Ctx,
  path: string,
  protocols: string[],
  opts: { headers?: Record<string, string> } = {},
): Promise<OpenedWebSocket> {
  const { default: WebSocket } = await import('ws');
  const ro = await requestOptions(ctx, { method: 'GET', path, headers: opts.headers });
  const headers = { ...(ro.headers as Record<string, string>) };
  delete headers.Accept;
  const url = `wss://${ro.hostname?.includes(':') ? `[${ro.hostname}]` : ro.hostname}:${String(ro.port)}${ro.path ?? ''}`;
  if (protocols.length) headers['Sec-WebSocket-Protocol'] = protocols.join(', ');
  return new Promise<OpenedWebSocket>((resolve, reject) => {
    let upgraded: { status: number; headers: IncomingHttpHeaders } | undefined;
    let chosen: string | undefined;
    let settled = false;
    const ws = new WebSocket(url, [], {
      headers,
      ca: ro.ca,
      cert: ro.cert,
      key: ro.key,
      ...(ro.servername ? ({ servername: ro.servername } as Record<string, string>) : {}),
      rejectUnauthorized: ro.rejectUnauthorized,
      handshakeTimeout: 30_000,
    });
    ws.on('upgrade', (res) => {
      // Runs before ws validates the response (see above).
      const header = res.headers['sec-websocket-protocol'];
      chosen = Array.isArray(header) ? header.join(',') : header;
      delete res.headers['sec-websocket-protocol'];
      upgraded = { status: res.statusCode ?? 101, headers: { ...res.headers, ...(chosen ? { 'sec-websocket-protocol': chosen } : {}) } };
    });
    ws.once('open', () => {
      settled = true;
      if (chosen !== undefined && !protocols.includes(chosen)) {
        ws.terminate();
        reject(new Error(`the server chose the sub-protocol ${JSON.stringify(chosen)}, which was not offered (${protocols.join(', ')})`));
        return;
      }
      resolve({ status: upgraded?.status ?? 101, headers: upgraded?.headers ?? {}, protocol: chosen || undefined, body: '', socket: ws });
    });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    ws.on('error', (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
  });
}

/**
 * Send an upgrade request that is not a WebSocket (e.g. SPDY/3.1, which kubectl used before
 * KEP-4006) and report the answer: 101 with the protocol, or the refusal with its body.
 */
export async function upgradeRequest(
  ctx: Ctx,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  opts: { headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const ro = await requestOptions(ctx, { method, path, headers: { Connection: 'Upgrade', ...headers, ...(opts.headers ?? {}) } });
  return new Promise<HttpResult>((resolve, reject) => {
    const req = https.request(ro);
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('upgrade', (res, socket: Socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.end();
  });
}
