// The image supply as the network sees it: an HTTP proxy that `kind build node-image` is pointed
// at through the HTTPS_PROXY variable kind forwards into its build container. Every CONNECT is
// answered locally: the tunnel is terminated with a certificate for the requested host (signed by
// kindlab's CA, which the build's base image is made to trust) and the registry API requests
// inside it are served from the ImageSupply. Nothing is forwarded anywhere.
//
// Why hand-written: it serves exactly four read-only endpoints of the registry API (ping,
// manifest and blob, GET and HEAD) from local files; a registry server would need the images
// pushed into it first, and no kept Node library intercepts CONNECT tunnels.
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import type { SupplyAuthority } from './authority.js';
import { MEDIA } from './archive.js';
import { parseRegistryPath } from './reference.js';
import type { ImageSupply } from './supply.js';

export interface RunningProxy {
  /** For HTTP_PROXY / HTTPS_PROXY: `http://<address>:<port>`. */
  url: string;
  close(): Promise<void>;
}

export async function startSupplyProxy(supply: ImageSupply, authority: SupplyAuthority, listenAddress: string): Promise<RunningProxy> {
  const registry = createServer((req, res) => void serveRegistry(supply, hostOf(req), req, res));
  const proxy = createServer((req, res) => {
    // A plain-HTTP request through the proxy carries an absolute URL.
    try {
      const u = new URL(req.url ?? '');
      req.url = u.pathname + u.search;
      void serveRegistry(supply, u.hostname, req, res);
    } catch {
      res.writeHead(400).end();
    }
  });
  const sockets = new Set<Socket>();
  proxy.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const host = (req.url ?? '').replace(/:\d+$/, '');
    socket.on('error', () => socket.destroy());
    authority.serving(host).then(
      (pair) => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) socket.unshift(head);
        const tls = new TLSSocket(socket, { isServer: true, secureContext: createSecureContext({ cert: pair.certPem, key: pair.keyPem }) });
        tls.on('error', () => socket.destroy());
        registry.emit('connection', tls);
      },
      () => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, listenAddress, () => resolve());
  });
  const { address, port } = proxy.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    close: () => closeServer(proxy, sockets, registry),
  };
}

function hostOf(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '');
}

async function serveRegistry(supply: ImageSupply, host: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) return void res.writeHead(405).end();
  const r = parseRegistryPath(req.url ?? '/');
  if (r.kind === 'ping') return void res.writeHead(200, { 'Docker-Distribution-API-Version': 'registry/2.0', 'Content-Type': 'application/json' }).end(head ? undefined : '{}');
  if (r.kind === 'manifest') {
    const img = await supply.manifest(host, r.name, r.reference).catch(() => undefined);
    if (!img) return notFound(res, 'MANIFEST_UNKNOWN', `${host}/${r.name}:${r.reference} is not among the images kindlab was given`);
    res.writeHead(200, { 'Content-Type': MEDIA.manifest, 'Content-Length': img.manifest.bytes.length, 'Docker-Content-Digest': img.manifest.digest });
    return void res.end(head ? undefined : img.manifest.bytes);
  }
  if (r.kind === 'blob') {
    const b = supply.blob(r.digest);
    if (!b) return notFound(res, 'BLOB_UNKNOWN', `blob ${r.digest} is not in the supplied images`);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': b.size, 'Docker-Content-Digest': b.digest });
    if (head) return void res.end();
    createReadStream(b.file).on('error', () => res.destroy()).pipe(res);
    return;
  }
  notFound(res, 'UNSUPPORTED', 'kindlab serves manifests and blobs only');
}

function notFound(res: ServerResponse, code: string, message: string): void {
  res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code, message }] }));
}

function closeServer(proxy: Server, sockets: Set<Socket>, registry: Server): Promise<void> {
  for (const s of sockets) s.destroy();
  registry.close();
  return new Promise((resolve) => proxy.close(() => resolve()));
}
