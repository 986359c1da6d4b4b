// KEP-4006, port-forward: kubectl port-forward used to need SPDY/3.1 end to end, which many proxies
// and load balancers cannot carry. With PortForwardWebsockets (kube-apiserver; alpha 1.30, beta on
// 1.31) the client opens a WebSocket on pods/portforward offering the sub-protocol
// `SPDY/3.1+portforward.k8s.io`: the API server turns it into an SPDY upgrade (a POST with
// X-Stream-Protocol-Version: portforward.k8s.io) to the kubelet and, once the kubelet agrees, accepts
// the WebSocket and carries the SPDY session inside its binary messages (the tunnel; the API server
// does not parse SPDY). kubectl uses it by default from 1.31 (KUBECTL_PORT_FORWARD_WEBSOCKETS, alpha
// 1.30) and falls back to plain SPDY when the upgrade is refused. From 1.35 the WebSocket upgrade (a
// GET) needs RBAC `create` on pods/portforward, like SPDY's POST (AuthorizePodWebsocketUpgradeCreatePermission).
//
// Without a node (provider `local`): a pod bound to a hand-made Node whose kubelet endpoint is a
// stand-in served by the scenario on 127.0.0.1 (_support/fake-kubelet.ts) that records what the API
// server sends and echoes bytes once upgraded. That shows the translation (what the kubelet receives
// is SPDY, not a WebSocket), the negotiated sub-protocol and a byte round trip through the tunnel.
// With real nodes: an HTTP request to agnhost netexec in a pod, through the WebSocket tunnel spoken
// by the scenario itself (ws + minimal SPDY, _support/spdy.ts) and through kubectl port-forward.
import { connect, createServer, type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Pod } from '@kubernetes/client-node';
import { apiServerOnThisHost, describeGate, gate, sleep } from './_support/cluster.js';
import { serveFakeKubelet } from './_support/fake-kubelet.js';
import { createFakeNode, createPodOnNode } from './_support/fake-node.js';
import { openWebSocket } from './_support/http.js';
import { forwardOnce, PORT_FORWARD_TUNNEL_PROTOCOL } from './_support/spdy.js';
import { websocketUpgradeNeedsCreate } from './_support/websocket-rbac.js';

const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
const HTTP_PORT = 8080;
/** A port nothing listens on in the agnhost pod: forwarding to it makes the kubelet report an error. */
const CLOSED_POD_PORT = 9;

const portForwardPath = (ns: string, pod: string) => `/api/v1/namespaces/${ns}/pods/${pod}/portforward`;

/** An HTTP/1.1 request for agnhost netexec's /echo, closing the connection after the answer. */
export function echoRequest(msg: string): Buffer {
  return Buffer.from(`GET /echo?msg=${encodeURIComponent(msg)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
}

/** kubectl's log line for a port-forward that went through the WebSocket tunnel (1.30–1.35 and 1.36+ wording). */
export const KUBECTL_TUNNEL_LOG = /negotiated protocol: portforward\.k8s\.io|Negotiation complete"? protocol="portforward\.k8s\.io"/;

/** Collect binary messages from an open WebSocket until `want` bytes arrived or `ms` passed. */
function readBytes(ws: import('ws').WebSocket, want: number, ms: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const done = () => {
      clearTimeout(t);
      ws.off('message', on);
      resolve(Buffer.concat(chunks));
    };
    const on = (raw: Buffer | ArrayBuffer | Buffer[]) => {
      const b = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
      chunks.push(b);
      n += b.length;
      if (n >= want) done();
    };
    const t = setTimeout(done, ms);
    ws.on('message', on);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Send `request` to 127.0.0.1:port and read until the other side closes (or 10 s). */
function tcpExchange(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: '127.0.0.1', port }, () => s.write(request));
    s.setTimeout(10_000, () => s.destroy(new Error(`no answer on 127.0.0.1:${port} within 10 s`)));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    s.on('error', reject);
  });
}

type StandInKubelet = Awaited<ReturnType<typeof serveFakeKubelet>>;

/** The API part: a pod bound to a hand-made Node whose kubelet is a stand-in on this machine. */
async function standInKubelet(ctx: ScenarioContext): Promise<StandInKubelet> {
  return ctx.step('a stand-in kubelet on 127.0.0.1 and a pod bound to its node', async () => {
    const k = await serveFakeKubelet(ctx);
    const node = await createFakeNode(ctx, 'pf', { kubeletAddress: '127.0.0.1', kubeletPort: k.port });
    await createPodOnNode(ctx, 'tunnel', node);
    return k;
  });
}

/** A WebSocket on the tunnel pod's port-forward offering `protocols`, and the request it made of the stand-in kubelet. */
async function offer(ctx: ScenarioContext, kubelet: StandInKubelet, protocols: string[]) {
  const seen = kubelet.requests.length;
  const ws = await openWebSocket(ctx, portForwardPath(ctx.namespace, 'tunnel'), protocols);
  return { ws, req: kubelet.requests[seen] };
}

/** With the gate off the API server does not translate: the offer reaches the kubelet as it was. */
async function gateOffPassesTheWebSocket(ctx: ScenarioContext, kubelet: StandInKubelet): Promise<void> {
  await ctx.step('gate off: the tunnelling offer reaches the kubelet as a plain WebSocket, no 101', async () => {
    const { ws, req } = await offer(ctx, kubelet, [PORT_FORWARD_TUNNEL_PROTOCOL]);
    ws.socket?.terminate();
    ctx.log(`WebSocket: HTTP ${ws.status} ${ws.body.trim().slice(0, 200)}`);
    ctx.assert.ok(ws.status !== 101, 'without PortForwardWebsockets the API server does not tunnel');
    ctx.assert.ok(req, 'the request was proxied to the kubelet');
    ctx.assert.equal(String(req.headers.upgrade).toLowerCase(), 'websocket', 'proxied unchanged, as a WebSocket upgrade');
  });
}

/** With the gate on: the translation to SPDY, the byte round trip, and what is not translated. */
async function tunnelledToTheKubelet(ctx: ScenarioContext, kubelet: StandInKubelet): Promise<void> {
  await ctx.featureStep('WebSocket with SPDY/3.1+portforward.k8s.io: 101, and the kubelet is asked for SPDY', async () => {
    const { ws, req } = await offer(ctx, kubelet, [PORT_FORWARD_TUNNEL_PROTOCOL]);
    try {
      ctx.assert.equal(ws.status, 101, `the upgrade must be accepted (HTTP ${ws.status}: ${ws.body.slice(0, 300)})`);
      ctx.assert.equal(ws.protocol, PORT_FORWARD_TUNNEL_PROTOCOL, 'negotiated sub-protocol');
      ctx.assert.ok(req, 'the stand-in kubelet was called');
      ctx.log(`kubelet saw: ${req.method} ${req.url} Upgrade: ${String(req.headers.upgrade)} X-Stream-Protocol-Version: ${String(req.headers['x-stream-protocol-version'])}`);
      ctx.assert.equal(req.method, 'POST', 'an SPDY upgrade is a POST');
      ctx.assert.includes(req.url, new RegExp(`^/portForward/${ctx.namespace}/tunnel(\\?|$)`), 'kubelet path');
      ctx.assert.equal(String(req.headers.upgrade), 'SPDY/3.1', 'Upgrade header sent to the kubelet');
      ctx.assert.includes(String(req.headers['x-stream-protocol-version']), 'portforward.k8s.io', 'protocol asked of the kubelet');
      ctx.assert.equal(req.headers['sec-websocket-key'], undefined, 'no WebSocket headers reach the kubelet');

      const payload = randomBytes(4096);
      const back = readBytes(ws.socket!, payload.length, 10_000);
      ws.socket!.send(payload.subarray(0, 1000));
      ws.socket!.send(payload.subarray(1000));
      const got = await back;
      ctx.log(`sent ${payload.length} bytes in 2 messages, ${got.length} came back`);
      ctx.assert.ok(got.equals(payload), 'the bytes come back unchanged through the tunnel (API server ⇄ kubelet)');
    } finally {
      ws.socket?.terminate();
    }
  });

  await ctx.step('a WebSocket without the tunnelling sub-protocol is not translated', async () => {
    const { ws, req } = await offer(ctx, kubelet, ['v4.channel.k8s.io']);
    ws.socket?.terminate();
    ctx.assert.ok(req, 'the request was proxied to the kubelet');
    ctx.assert.equal(String(req.headers.upgrade).toLowerCase(), 'websocket', 'proxied as the WebSocket it was');
    ctx.assert.ok(ws.status !== 101, `the stand-in refuses a WebSocket, and the client sees that (HTTP ${ws.status})`);
  });
}

/** The node part: an HTTP server in a pod, reached through the tunnel the scenario speaks itself. */
async function throughTheTunnelToAPod(ctx: ScenarioContext): Promise<void> {
  await ctx.step('node: agnhost netexec serves HTTP in a pod', async () => {
    await ctx.create<V1Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'echo' },
      spec: {
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'netexec',
            image: AGNHOST,
            args: ['netexec', `--http-port=${HTTP_PORT}`],
            readinessProbe: { httpGet: { path: '/healthz', port: HTTP_PORT }, periodSeconds: 1 },
          },
        ],
      },
    });
    await ctx.waitFor<V1Pod>(
      { apiVersion: 'v1', kind: 'Pod', name: 'echo' },
      (p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      { timeoutSeconds: 150, description: 'pod echo Ready' },
    );
  });

  await ctx.step('node: an HTTP exchange through the WebSocket tunnel (ws + SPDY streams)', async () => {
    const msg = `kindlab-${randomBytes(6).toString('hex')}`;
    const ws = await openWebSocket(ctx, portForwardPath(ctx.namespace, 'echo'), [PORT_FORWARD_TUNNEL_PROTOCOL]);
    ctx.assert.equal(ws.status, 101, `HTTP ${ws.status}: ${ws.body.slice(0, 300)}`);
    ctx.assert.equal(ws.protocol, PORT_FORWARD_TUNNEL_PROTOCOL, 'negotiated sub-protocol');
    const r = await forwardOnce(ws.socket!, HTTP_PORT, echoRequest(msg));
    const answer = r.data.toString('utf8');
    ctx.log(`streams answered: ${r.replied.join(',') || 'none'}; ${r.data.length} bytes back${r.error ? `; error stream: ${r.error}` : ''}${r.resets.length ? `; ${r.resets.join('; ')}` : ''}`);
    ctx.assert.ok(r.replied.includes(1) && r.replied.includes(3), 'the kubelet accepted the error and data streams (SYN_REPLY)');
    ctx.assert.equal(r.error, '', 'nothing on the error stream');
    ctx.assert.includes(answer, /^HTTP\/1\.1 200 OK\r\n/, 'agnhost answered the request');
    ctx.assert.includes(answer, msg, 'the echoed message came back from the pod');
  });
}

/** kubectl port-forward over the WebSocket tunnel, with no fallback to SPDY. */
async function kubectlPortForward(ctx: ScenarioContext): Promise<void> {
  await ctx.step('node: kubectl port-forward goes through the WebSocket tunnel', async () => {
    const [open, closed] = [await freePort(), await freePort()];
    const msg = `kubectl-${randomBytes(6).toString('hex')}`;
    // kubectl port-forward runs until the connection to the pod is lost. A connection to the
    // forwarded port nothing listens on ends it: the kubelet reports the failure on the error
    // stream and kubectl closes the session ("lost connection to pod").
    const run = ctx.kubectl(
      ['port-forward', '-v=6', '-n', ctx.namespace, 'pod/echo', `${open}:${HTTP_PORT}`, `${closed}:${CLOSED_POD_PORT}`],
      { env: { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'true' } },
    );
    let exited = false;
    void run.then(() => (exited = true));
    const answer = await ctx.eventually(
      async () => {
        if (exited) throw new Error(`kubectl port-forward exited early: ${(await run).stderr.slice(-500)}`);
        return tcpExchange(open, echoRequest(msg)).catch(() => undefined);
      },
      { timeoutSeconds: 60, intervalMs: 1000, description: `an answer through kubectl port-forward on 127.0.0.1:${open}` },
    );
    ctx.assert.includes(answer, msg, 'the echoed message came back through kubectl port-forward');
    await tcpExchange(closed, Buffer.from('x')).catch(() => '');
    for (let i = 0; i < 30 && !exited; i++) await sleep(1000, ctx.signal);
    const r = await run;
    const log = r.stderr;
    ctx.log(`kubectl port-forward exit ${r.exitCode}; ${log.split('\n').filter((l) => /egotiat|fallback|lost connection/.test(l)).join(' | ').slice(0, 400)}`);
    ctx.assert.includes(log, KUBECTL_TUNNEL_LOG, 'kubectl negotiated the portforward.k8s.io tunnel over a WebSocket');
    ctx.assert.ok(!/fallback to secondary dialer/.test(log), 'kubectl did not fall back to SPDY');
  });
}

export default defineScenario({
  id: 'portforward-websockets',
  title: 'pods/portforward over a WebSocket: SPDY tunnelled as SPDY/3.1+portforward.k8s.io',
  kep: 4006,
  tags: ['1.31', 'sig-api-machinery', 'kubectl'],
  // PortForwardWebsockets: alpha (off) 1.30, beta (on) 1.31.
  versions: '>=1.30',
  requires: {
    images: ['registry.k8s.io/pause:3.10', AGNHOST],
    needs: 'api',
    nodePart: 'bytes reach a server listening in a pod through the forwarded port',
    feature: { gate: 'PortForwardWebsockets', components: ['kube-apiserver'] },
  },
  timeoutSeconds: 300,
  description:
    'API part (where kube-apiserver shares this machine\'s loopback, i.e. the local provider): a pod is bound to a ' +
    'hand-made Node whose kubelet endpoint is a stand-in on 127.0.0.1 that records requests and echoes bytes. A ' +
    'WebSocket on pods/portforward offering SPDY/3.1+portforward.k8s.io gets 101 with that sub-protocol; the stand-in ' +
    'kubelet received a POST to /portForward/<ns>/<pod> with Upgrade: SPDY/3.1 and X-Stream-Protocol-Version: ' +
    'portforward.k8s.io (not a WebSocket); random bytes sent in binary messages come back unchanged. A WebSocket ' +
    'offering only v4.channel.k8s.io is not translated: the stand-in sees a WebSocket GET. From 1.35, a user with only ' +
    '`get` on pods/portforward is refused (403). With PortForwardWebsockets off, the tunnelling offer is passed to the ' +
    'kubelet as a WebSocket and there is no 101. Node part (only where pods run): an HTTP request to agnhost netexec ' +
    'reaches the pod and its answer comes back through the tunnel spoken by the scenario (ws + SPDY), and through ' +
    '`kubectl port-forward`, whose log shows the negotiated portforward.k8s.io tunnel.',
  async run(ctx: ScenarioContext) {
    const tunnel = await gate(ctx, 'PortForwardWebsockets');
    ctx.log(describeGate('PortForwardWebsockets', tunnel));

    if (apiServerOnThisHost(ctx)) {
      const kubelet = await standInKubelet(ctx);
      if (!tunnel.enabled) return gateOffPassesTheWebSocket(ctx, kubelet);
      await tunnelledToTheKubelet(ctx, kubelet);
      await websocketUpgradeNeedsCreate(ctx, 'pods/portforward', async (headers) => {
        const ws = await openWebSocket(ctx, portForwardPath(ctx.namespace, 'tunnel'), [PORT_FORWARD_TUNNEL_PROTOCOL], { headers });
        ws.socket?.terminate();
        return ws;
      });
    } else {
      ctx.log('API part skipped: kube-apiserver does not share this machine\'s loopback, so it cannot reach a stand-in kubelet');
    }

    if (!ctx.cluster.hasNodes) {
      ctx.partial('node part: no kubelet runs pods here, so nothing listens behind a forwarded port');
      return;
    }
    if (!tunnel.enabled) {
      ctx.partial('node part: PortForwardWebsockets is off, so there is no WebSocket tunnel to show (kubectl falls back to SPDY)');
      return;
    }
    // Seen on v1.37.2 (kind): the API server hands a WebSocket port-forward to a kubelet that serves
    // it itself (apiserver_websocket_streaming_requests_total{proxy_type="proxied_to_kubelet"}), and
    // the node steps pass with the gate off everywhere. So they show the end-to-end path, not the
    // API server's translation the gate switches; the steps with a stand-in kubelet above are what
    // asserts that, and a counter-proof on nodes cannot show more.
    if (ctx.expectFeatureOn === 'PortForwardWebsockets') {
      ctx.skip('counter-proof of the node part: a kubelet serves WebSocket port-forward itself (the API server proxies it to the kubelet, seen on v1.37.2), so switching off the API server\'s translation changes nothing a node step can see; the stand-in-kubelet steps (local provider) are the counter-proof');
    }

    await throughTheTunnelToAPod(ctx);
    await kubectlPortForward(ctx);
  },
});
