// KEP-2258: node log query. The kubelet's /logs/ endpoint can run a query over the node's system
// logs (journald on Linux, or files under /var/log) — `?query=kubelet` — reachable through the API
// server's node proxy, so an admin can read a node service's logs without SSH. Gate NodeLogQuery:
// alpha 1.27, beta (off) 1.30, GA 1.36; the kubelet must also set enableSystemLogHandler and
// enableSystemLogQuery in its configuration.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { V1NodeList } from '@kubernetes/client-node';
import { apiRequest } from './_support/http.js';

export default defineScenario({
  id: 'node-log-query',
  title: 'Query a node service log through /api/v1/nodes/<node>/proxy/logs/?query=',
  kep: 2258,
  tags: ['1.27', 'sig-windows', 'sig-node'],
  versions: '>=1.27',
  requires: {
    needs: 'node',
    featureGates: { NodeLogQuery: { value: true, components: ['kubelet'] } },
  },
  description:
    'Reads /api/v1/nodes/<node>/proxy/logs/?query=kubelet&tailLines=20 and expects kubelet log lines. The kubelet ' +
    'configuration must have enableSystemLogQuery: true (enableSystemLogHandler defaults to true); the scenario ' +
    'requirement format cannot set kubelet configuration yet, so where the kubelet answers with the plain ' +
    '/var/log directory listing instead of running the query the scenario skips and says so.',
  async run(ctx: ScenarioContext) {
    const node = await ctx.step('pick a node', async () => {
      const nodes = ((await ctx.core.listNode()) as V1NodeList).items;
      if (nodes.length === 0) ctx.skip('no nodes');
      return nodes[0]!.metadata!.name!;
    });

    await ctx.step(`query the kubelet log of ${node}`, async () => {
      const res = await apiRequest(ctx, {
        method: 'GET',
        path: `/api/v1/nodes/${encodeURIComponent(node)}/proxy/logs/?query=kubelet&tailLines=20`,
        headers: { Accept: '*/*' },
      });
      if (res.status === 200 && /<pre>|<a href=/.test(res.body)) {
        ctx.skip(`kubelet on ${node} served the /var/log directory listing, i.e. the query is not enabled: set enableSystemLogQuery: true in its KubeletConfiguration`);
      }
      if (res.status === 404 || res.status === 403) {
        ctx.skip(`kubelet on ${node} refused the log query (HTTP ${res.status}: ${res.body.slice(0, 200)}); enableSystemLogHandler/enableSystemLogQuery or NodeLogQuery are off`);
      }
      ctx.assert.equal(res.status, 200, `HTTP ${res.status}: ${res.body.slice(0, 300)}`);
      const lines = res.body.split('\n').filter((l) => l.trim() !== '');
      ctx.assert.ok(lines.length > 0, 'the query returns log lines');
      ctx.assert.includes(res.body, /kubelet/i, 'the lines are the kubelet\'s');
      ctx.log(`${lines.length} lines, last: ${lines[lines.length - 1]!.slice(0, 200)}`);
    });
  },
});
