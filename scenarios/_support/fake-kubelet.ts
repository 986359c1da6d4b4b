// A stand-in for a kubelet's streaming endpoint, served by the scenario on this machine's loopback:
// it records the upgrade requests kube-apiserver sends for pods bound to a hand-made Node that points
// at it (fake-node.ts), and accepts an SPDY/3.1 upgrade by echoing every byte back. The API server
// does not parse what it tunnels, so an echo is enough to show a byte round trip through
// kube-apiserver without a real node. Only a control plane that shares this machine's loopback (the
// `local` provider) can reach it. TLS with the TEST-ONLY serving certificate for 127.0.0.1
// (_support/test-material.ts, generated on first use); kube-apiserver without
// --kubelet-certificate-authority does not verify kubelet certificates.
import * as https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ScenarioContext } from 'kindlab';
import { fixture } from './oidc-issuer.js';

export interface KubeletRequest {
  method: string;
  /** Path and query, e.g. /portForward/<ns>/<pod> */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface FakeKubelet {
  port: number;
  /** Every request or upgrade the API server sent, in order. */
  requests: KubeletRequest[];
  close(): Promise<void>;
}

/** The 101 a kubelet sends for an SPDY upgrade, choosing `protocol` (X-Stream-Protocol-Version). */
export function spdyUpgradeResponse(protocol: string): string {
  return ['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1', `X-Stream-Protocol-Version: ${protocol}`, '', ''].join('\r\n');
}

/** The first protocol of an X-Stream-Protocol-Version header (comma-joined by Node) that the stand-in accepts. */
export function chooseStreamProtocol(header: string | string[] | undefined, accepted: string[]): string | undefined {
  const offered = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return offered.find((p) => accepted.includes(p));
}

/** Serve on 127.0.0.1:<free port>; closed at the scenario's cleanup. */
export async function serveFakeKubelet(ctx: Pick<ScenarioContext, 'cleanup'>, accepted = ['portforward.k8s.io']): Promise<FakeKubelet> {
  const requests: KubeletRequest[] = [];
  const sockets = new Set<Socket>();
  const server = https.createServer({ cert: fixture('test-only-issuer-serving.crt'), key: fixture('test-only-issuer-serving.key') }, (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('fake kubelet: only upgrades are served\n');
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const protocol = String(req.headers.upgrade ?? '').toLowerCase() === 'spdy/3.1' ? chooseStreamProtocol(req.headers['x-stream-protocol-version'], accepted) : undefined;
    if (!protocol) {
      const body = `fake kubelet: not an SPDY/3.1 upgrade for ${accepted.join(', ')} (Upgrade: ${String(req.headers.upgrade)})\n`;
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    socket.write(spdyUpgradeResponse(protocol));
    if (head.length) socket.write(head);
    socket.pipe(socket); // echo
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  ctx.cleanup(close);
  return { port: (server.address() as AddressInfo).port, requests, close };
}
