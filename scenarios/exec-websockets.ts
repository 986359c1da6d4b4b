// KEP-4006: exec/attach/port-forward over WebSockets instead of SPDY. SPDY/3.1 is deprecated and many
// L7 proxies and load balancers cannot carry it. From 1.30 kubectl speaks WebSocket
// (v5.channel.k8s.io) to the API server, and the API server terminates that WebSocket itself and talks
// SPDY to the kubelet (StreamTranslator; gate TranslateStreamCloseWebsocketRequests, beta on 1.30);
// from 1.36 it can speak WebSocket to capable kubelets directly (ExtendWebSocketsToKubelet).
// From 1.35 the WebSocket upgrade (an HTTP GET) also needs RBAC `create` on pods/exec, like SPDY's POST
// (AuthorizePodWebsocketUpgradeCreatePermission).
//
// What is honest without a kubelet: a pod bound to a hand-made Node whose kubelet address is a closed
// port. The API server still accepts the WebSocket (101, v5.channel.k8s.io) and then reports, as a
// Status on the v5 error channel (3), that it could not reach the kubelet — proof that it terminated
// the WebSocket itself. The same request over SPDY is refused before any upgrade (500, "error dialing
// backend") because SPDY is proxied through to the kubelet. With real nodes, a full exec round trip.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1Pod } from '@kubernetes/client-node';
import { describeGate, gate } from './_support/cluster.js';
import { createFakeNode, createPodOnNode } from './_support/fake-node.js';
import { upgradeRequest, webSocket, type WebSocketResult } from './_support/http.js';
import { websocketUpgradeNeedsCreate } from './_support/websocket-rbac.js';

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
/** kubectl (≥ 1.30, -v=4 and up) logs the sub-protocol its WebSocket exec/attach negotiated (1.36+ wording, then 1.30–1.35). */
export const KUBECTL_WEBSOCKET_LOG = /Subprotocol negotiated.*v5\.channel\.k8s\.io|The subprotocol is v5\.channel\.k8s\.io/;
const CLOSED_PORT = 1;

function execPath(ns: string, pod: string, command: string[]): string {
  const q = new URLSearchParams([...command.map((c) => ['command', c]), ['container', 'app'], ['stdout', 'true'], ['stderr', 'true']]);
  return `/api/v1/namespaces/${ns}/pods/${pod}/exec?${q.toString()}`;
}

function errorChannel(ws: WebSocketResult): { status?: string; message?: string } {
  const frame = ws.frames.find((f) => f.channel === 3);
  if (!frame) return {};
  try {
    return JSON.parse(frame.text) as { status?: string; message?: string };
  } catch {
    return { message: frame.text };
  }
}

/** A busybox pod (container "app") running `command`, once the kubelet reports it Running. */
async function runningBusybox(ctx: ScenarioContext, name: string, command: string[], restartPolicy: 'Always' | 'Never' = 'Always'): Promise<void> {
  await ctx.create<V1Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'app', image: 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1', command }],
    },
  });
  await ctx.waitFor<V1Pod>({ apiVersion: 'v1', kind: 'Pod', name }, (p) => p.status?.phase === 'Running', {
    timeoutSeconds: 150,
    description: `pod ${name} Running`,
  });
}

/** The node part: exec and attach over a WebSocket, by the scenario and by kubectl itself. */
async function nodeExecAndAttach(ctx: ScenarioContext): Promise<void> {
  await ctx.featureStep('node: echo hello through a WebSocket exec', async () => {
    await runningBusybox(ctx, 'shell', ['sleep', '3600']);
    const ws = await webSocket(ctx, execPath(ctx.namespace, 'shell', ['echo', 'hello']), PROTOCOLS);
    ctx.assert.equal(ws.status, 101, `HTTP ${ws.status}`);
    const stdout = ws.frames.filter((f) => f.channel === 1).map((f) => f.text).join('');
    ctx.assert.equal(stdout, 'hello\n', 'stdout on channel 1');
    ctx.assert.equal(errorChannel(ws).status, 'Success', 'Success status on channel 3');
  });

  await ctx.step('node: attach over a WebSocket reads what the running container prints', async () => {
    await runningBusybox(ctx, 'ticker', ['sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done']);
    const q = new URLSearchParams([['container', 'app'], ['stdout', 'true'], ['stderr', 'true']]);
    const ws = await webSocket(ctx, `/api/v1/namespaces/${ctx.namespace}/pods/ticker/attach?${q.toString()}`, PROTOCOLS, { readMs: 3500 });
    ctx.assert.equal(ws.status, 101, `HTTP ${ws.status}: ${ws.body.slice(0, 200)}`);
    ctx.assert.equal(ws.protocol, 'v5.channel.k8s.io', 'the v5 channel protocol was chosen');
    const stdout = ws.frames.filter((f) => f.channel === 1).map((f) => f.text).join('');
    ctx.log(`attached output: ${JSON.stringify(stdout.slice(0, 60))}`);
    ctx.assert.includes(stdout, /tick \d+\n/, 'the container\'s ticks arrive on channel 1 while attached');
  });

  await ctx.featureStep('node: kubectl itself execs over a WebSocket', async () => {
    // kubectl uses the WebSocket protocol first (on by default from 1.30; in 1.29 only with
    // KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true, so it is set) and logs the sub-protocol at -v=6.
    const r = await ctx.kubectl(['exec', '-v=6', '-n', ctx.namespace, 'shell', '-c', 'app', '--', 'echo', 'via-kubectl'], {
      env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'true' },
    });
    ctx.assert.equal(r.exitCode, 0, `kubectl exec: ${r.stderr.slice(-300)}`);
    ctx.assert.equal(r.stdout, 'via-kubectl\n');
    ctx.assert.includes(r.stderr, KUBECTL_WEBSOCKET_LOG, 'kubectl negotiated v5.channel.k8s.io over a WebSocket');
  });

  await ctx.step('node: kubectl attach reads a running container over a WebSocket', async () => {
    // A container that prints for a while and then exits: kubectl attach returns when it ends.
    await runningBusybox(ctx, 'short-lived', ['sh', '-c', 'for i in $(seq 1 12); do echo attach-$i; sleep 1; done'], 'Never');
    const r = await ctx.kubectl(['attach', '-v=6', '-n', ctx.namespace, 'short-lived', '-c', 'app'], {
      env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'true' },
    });
    ctx.log(`kubectl attach: exit ${r.exitCode}, ${r.stdout.split('\n').filter(Boolean).length} lines`);
    ctx.assert.includes(r.stdout, /attach-\d+\n/, 'the container\'s output arrived while attached');
    ctx.assert.includes(r.stderr, KUBECTL_WEBSOCKET_LOG, 'kubectl attach negotiated v5.channel.k8s.io over a WebSocket');
    ctx.assert.ok(!/fallback|falling back/i.test(r.stderr), 'kubectl did not fall back to SPDY');
  });
}

export default defineScenario({
  id: 'exec-websockets',
  title: 'pods/exec over WebSocket (v5.channel.k8s.io), terminated by the API server',
  kep: 4006,
  tags: ['1.30', 'sig-api-machinery', 'kubectl'],
  // TranslateStreamCloseWebsocketRequests: alpha (off) 1.29, beta (on) 1.30.
  versions: '>=1.29',
  requires: {
    images: ['registry.k8s.io/pause:3.10', 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1'],
    needs: 'api',
    nodePart: 'a command really runs in a container and its output comes back over the WebSocket',
    feature: { gate: 'TranslateStreamCloseWebsocketRequests', components: ['kube-apiserver'] },
  },
  timeoutSeconds: 180,
  description:
    'API part: a pod is bound to a hand-made Node whose kubelet endpoint is 127.0.0.1:1 (closed). A WebSocket ' +
    'upgrade on its pods/exec offering v5/v4.channel.k8s.io gets 101 Switching Protocols with v5.channel.k8s.io, ' +
    'then a Failure Status on channel 3 naming the unreachable kubelet: the API server itself terminated the ' +
    'WebSocket. The same exec as an SPDY/3.1 upgrade is refused with HTTP 500 before any upgrade. Where ' +
    'AuthorizePodWebsocketUpgradeCreatePermission is on (≥1.35), a user with only `get` on pods/exec is refused ' +
    'the WebSocket (403 Forbidden) and a user with `create` is let through. Node part (only where ' +
    'pods run): echo hello through a WebSocket exec comes back on channel 1 with a Success status; attach over a ' +
    'WebSocket receives what the running container prints; kubectl\'s own exec and attach negotiate v5.channel.k8s.io ' +
    '(KUBECTL_REMOTE_COMMAND_WEBSOCKETS) and attach prints the container\'s output. Port-forward: portforward-websockets. With ' +
    'TranslateStreamCloseWebsocketRequests off, the WebSocket is proxied like SPDY and refused before any upgrade.',
  async run(ctx: ScenarioContext) {
    const translate = await gate(ctx, 'TranslateStreamCloseWebsocketRequests');
    ctx.log(describeGate('TranslateStreamCloseWebsocketRequests', translate));

    await ctx.step('a pod bound to a node whose kubelet cannot be reached', async () => {
      const node = await createFakeNode(ctx, 'ws', { kubeletAddress: '127.0.0.1', kubeletPort: CLOSED_PORT });
      await createPodOnNode(ctx, 'routed', node);
    });

    if (!translate.enabled) {
      await ctx.step('gate off: the WebSocket upgrade is proxied to the kubelet, not terminated by the API server', async () => {
        const ws = await webSocket(ctx, execPath(ctx.namespace, 'routed', ['date']), PROTOCOLS);
        ctx.log(`WebSocket: HTTP ${ws.status}: ${ws.body.slice(0, 200)}`);
        ctx.assert.ok(ws.status !== 101, 'without translation there is no 101 without a reachable kubelet');
        ctx.assert.includes(ws.body, 'error dialing backend', 'the proxy error, as for SPDY');
      });
      return;
    }

    await ctx.featureStep('WebSocket exec: 101 v5.channel.k8s.io, then the kubelet error on channel 3', async () => {
      const ws = await webSocket(ctx, execPath(ctx.namespace, 'routed', ['date']), PROTOCOLS);
      ctx.assert.equal(ws.status, 101, `the upgrade must be accepted (HTTP ${ws.status}: ${ws.body.slice(0, 300)})`);
      ctx.assert.equal(ws.protocol, 'v5.channel.k8s.io', 'negotiated sub-protocol');
      const status = errorChannel(ws);
      ctx.log(`channel 3: ${status.message ?? '(nothing)'}`);
      ctx.assert.equal(status.status, 'Failure', 'a Status on the error channel');
      ctx.assert.includes(status.message ?? '', `127.0.0.1:${CLOSED_PORT}`, 'the error names the kubelet endpoint the API server dialled');
    });

    await ctx.step('the same exec over SPDY/3.1 is refused before any upgrade', async () => {
      const res = await upgradeRequest(ctx, 'POST', execPath(ctx.namespace, 'routed', ['date']), {
        Upgrade: 'SPDY/3.1',
        'X-Stream-Protocol-Version': 'v4.channel.k8s.io',
      });
      ctx.log(`SPDY: HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      ctx.assert.ok(res.status !== 101, 'no SPDY upgrade without a kubelet: SPDY is proxied through, not terminated');
      ctx.assert.includes(res.body, /error dialing backend|connection refused/, 'the proxy error');
    });

    await websocketUpgradeNeedsCreate(ctx, 'pods/exec', (headers) => webSocket(ctx, execPath(ctx.namespace, 'routed', ['date']), PROTOCOLS, { headers }));

    if (!ctx.cluster.hasNodes) {
      ctx.partial('node part: no kubelet runs pods here, so no command can actually execute');
      return;
    }

    await nodeExecAndAttach(ctx);
  },
});
