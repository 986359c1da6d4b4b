// From 1.35 (AuthorizePodWebsocketUpgradeCreatePermission, KEP-4006) the WebSocket upgrade of a
// streaming subresource — an HTTP GET — needs RBAC `create` on it, like SPDY's POST; before, `get`
// was enough. exec-websockets and portforward-websockets check it the same way.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ScenarioContext } from 'kindlab';
import { describeGate, gate } from './cluster.js';

/** What a WebSocket upgrade came back with: the HTTP status, and the body of a refusal. */
export interface UpgradeAnswer {
  status: number;
  body: string;
}

/**
 * Two users of the scenario's namespace, one with `get` on `pods` and `resource`, one with `get` and
 * `create`, and a step that opens the WebSocket as each (impersonated by `open`): the get-only user
 * is refused (403 Forbidden) where the gate is on, and let through before it.
 */
export async function websocketUpgradeNeedsCreate(ctx: ScenarioContext, resource: 'pods/exec' | 'pods/portforward', open: (headers: Record<string, string>) => Promise<UpgradeAnswer>): Promise<void> {
  const authz = await gate(ctx, 'AuthorizePodWebsocketUpgradeCreatePermission');
  ctx.log(describeGate('AuthorizePodWebsocketUpgradeCreatePermission', authz));
  await ctx.step(`RBAC: \`get\` on ${resource} is ${authz.enabled ? 'not ' : ''}enough for the WebSocket`, async () => {
    const short = resource.slice('pods/'.length);
    const users = { get: `kindlab:${ctx.namespace}:${short}-get-only`, create: `kindlab:${ctx.namespace}:${short}-create` };
    for (const [verb, verbs] of [['get', ['get']], ['create', ['get', 'create']]] as const) {
      const name = `${short}-${verb}`;
      await ctx.create<KubernetesObject>({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules: [{ apiGroups: [''], resources: ['pods', resource], verbs }] } as KubernetesObject);
      await ctx.create<KubernetesObject>({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: users[verb] }],
      } as KubernetesObject);
    }
    const as = (user: string) => open({ 'Impersonate-User': user });
    // RBAC is eventually consistent; the creator's 101 marks the bindings as active.
    await ctx.eventually(async () => (await as(users.create)).status === 101, { timeoutSeconds: 30, description: 'the create binding to take effect' });
    const ws = await as(users.get);
    if (authz.enabled) {
      ctx.assert.equal(ws.status, 403, `get-only user must be refused (HTTP ${ws.status})`);
      // The WebSocket refusal carries a terse message ('pods "routed" is forbidden: '): check the Status reason.
      ctx.assert.includes(ws.body, '"reason":"Forbidden"');
      ctx.log(`get-only user: HTTP 403 ${ws.body.trim().slice(0, 200)}`);
    } else {
      ctx.assert.equal(ws.status, 101, `before 1.35 a get-only user could open the WebSocket (HTTP ${ws.status})`);
    }
  });
}
