// KEP-2258: node log query. The kubelet's /logs/ endpoint can run a query over the node's system
// logs (journald on Linux, or files under /var/log) — `?query=kubelet` — reachable through the API
// server's node proxy, so an admin can read a node service's logs without SSH. Gate NodeLogQuery:
// alpha 1.27, beta (off) 1.30, GA 1.36; the kubelet must also set enableSystemLogHandler and
// enableSystemLogQuery in its configuration, which the scenario declares.
import { defineScenario, type ScenarioContext } from 'kindlab';
import { apiRequest } from './_support/http.js';
import { kubeletNodes } from './_support/nodes.js';

export default defineScenario({
  id: 'node-log-query',
  title: 'Query a node service log through /api/v1/nodes/<node>/proxy/logs/?query=',
  kep: 2258,
  tags: ['1.27', 'sig-windows', 'sig-node'],
  versions: '>=1.27',
  requires: {
    needs: 'node',
    feature: { gate: 'NodeLogQuery', components: ['kubelet'] },
    kubelet: { enableSystemLogHandler: true, enableSystemLogQuery: true },
  },
  // The kubelet's configuration validation refuses enableSystemLogQuery with NodeLogQuery off
  // (pkg/kubelet/apis/config/validation, v1.30.14 and v1.37.2; a v1.30.14 kind node with it did not
  // start); without it, /logs/ is the plain /var/log handler, which the query step tells apart.
  counterProof: { featureFlags: ['enableSystemLogQuery'] },
  description:
    'On a node with a real kubelet (hand-made Nodes are left out), reads ' +
    '/api/v1/nodes/<node>/proxy/logs/?query=kubelet&tailLines=20 and expects kubelet log lines. The kubelet runs with ' +
    'enableSystemLogHandler and enableSystemLogQuery (declared), so a kubelet that answers with the plain /var/log ' +
    'directory listing instead of running the query fails the scenario: the query is what the feature adds. On an ' +
    'existing cluster whose kubelets lack the setting, the scenario says so.',
  async run(ctx: ScenarioContext) {
    const node = await ctx.step('pick a node', async () => {
      const nodes = await kubeletNodes(ctx);
      if (nodes.length === 0) ctx.skip('no node with a Ready kubelet');
      return nodes[0]!.metadata!.name!;
    });

    // the node's name is logged, not in the step's title: the title is what reports and the
    // counter-proof table compare from run to run
    ctx.log(`node: ${node}`);
    await ctx.featureStep('query the kubelet log through the node proxy (/logs/?query=kubelet)', async () => {
      const res = await apiRequest(ctx, {
        method: 'GET',
        path: `/api/v1/nodes/${encodeURIComponent(node)}/proxy/logs/?query=kubelet&tailLines=20`,
        headers: { Accept: '*/*' },
      });
      const notEnabled = (res.status === 200 && /<pre>|<a href=/.test(res.body)) || res.status === 404 || res.status === 403;
      if (notEnabled && ctx.cluster.reconfigurable === false) {
        ctx.skip(`kubelet on ${node} did not run the query (HTTP ${res.status}): this existing cluster's kubelets lack enableSystemLogQuery: true or NodeLogQuery`);
      }
      ctx.assert.ok(!notEnabled, `kubelet on ${node} was configured for log queries but answered HTTP ${res.status} without running one: ${res.body.slice(0, 200)}`);
      ctx.assert.equal(res.status, 200, `HTTP ${res.status}: ${res.body.slice(0, 300)}`);
      const lines = res.body.split('\n').filter((l) => l.trim() !== '');
      ctx.assert.ok(lines.length > 0, 'the query returns log lines');
      ctx.assert.includes(res.body, /kubelet/i, 'the lines are the kubelet\'s');
      ctx.assert.ok(lines.length <= 20, `tailLines=20 returns at most 20 lines, got ${lines.length}`);
      ctx.log(`${lines.length} lines, last: ${lines[lines.length - 1]!.slice(0, 200)}`);
    });

    await ctx.featureStep('tailLines bounds what the query returns (3 lines of a longer log)', async () => {
      const res = await apiRequest(ctx, { method: 'GET', path: `/api/v1/nodes/${encodeURIComponent(node)}/proxy/logs/?query=kubelet&tailLines=3`, headers: { Accept: '*/*' } });
      ctx.assert.equal(res.status, 200, `HTTP ${res.status}: ${res.body.slice(0, 300)}`);
      const lines = res.body.split('\n').filter((l) => l.trim() !== '');
      ctx.assert.ok(lines.length >= 1 && lines.length <= 3, `tailLines=3 returns 1 to 3 lines, got ${lines.length}: ${res.body.slice(0, 300)}`);
    });
  },
});
