// KEP-2593: multiple cluster CIDRs. Pod CIDRs used to come from one --cluster-cidr flag of
// kube-controller-manager, fixed for the cluster's life. KEP-2593 added the cluster-scoped
// networking.k8s.io/v1alpha1 ClusterCIDR: a CIDR (IPv4 and/or IPv6), the size of each node's slice
// (perNodeHostBits) and a nodeSelector saying which nodes take their pod CIDR from it, consumed by
// the node IPAM controller's MultiCIDRRangeAllocator (kube-controller-manager
// --cidr-allocator-type=MultiCIDRRangeAllocator). Alpha from 1.25 behind the MultiCIDRRangeAllocator
// gate (kube-controller-manager) and the v1alpha1 API (kube-apiserver --runtime-config).
//
// It never left alpha: the KEP was withdrawn and 1.29 removed the gate, the allocator and the
// ClusterCIDR API. Pod CIDR management beyond one range is left to CNI plugins' own IPAM. So the
// scenario exists for 1.25–1.28 only; from 1.29 the planner skips it and says why.
//
// What the API server shows (no controller needed): a ClusterCIDR is stored as given; its
// validation refuses a slice smaller than 16 addresses, a slice larger than the CIDR, an IPv4 CIDR in
// the ipv6 field and a ClusterCIDR with no CIDR at all; its spec is immutable. Without the v1alpha1
// API every one of these steps fails: the first create is a 404.
import { defineScenario, type ScenarioContext } from 'kindlab';
import type { KubernetesObject } from '@kubernetes/client-node';
import { clusterScopedName } from './_support/cluster.js';

interface ClusterCIDR extends KubernetesObject {
  spec?: {
    perNodeHostBits?: number;
    ipv4?: string;
    ipv6?: string;
    nodeSelector?: unknown;
  };
}

export const REMOVED =
  'KEP-2593 (multiple cluster CIDRs) was withdrawn without leaving alpha: Kubernetes 1.29 removed the ' +
  'MultiCIDRRangeAllocator gate, the node IPAM allocator of that name and the networking.k8s.io/v1alpha1 ' +
  'ClusterCIDR API (pod CIDRs beyond --cluster-cidr are left to CNI plugins\' IPAM), so there is nothing to test';

/** A ClusterCIDR object (pure, for the scenario and its unit test). */
export function clusterCIDR(apiVersion: string, name: string, spec: NonNullable<ClusterCIDR['spec']>): ClusterCIDR {
  return { apiVersion, kind: 'ClusterCIDR', metadata: { name }, spec };
}

export default defineScenario({
  id: 'multi-cluster-cidr',
  title: 'networking.k8s.io/v1alpha1 ClusterCIDR: pod CIDRs per node selector (1.25–1.28, removed in 1.29)',
  kep: 2593,
  tags: ['1.25', 'sig-network', 'removed'],
  // MultiCIDRRangeAllocator: alpha (off) 1.25–1.28, removed in 1.29 (the gate table says so too).
  versions: '>=1.25',
  requires: {
    needs: 'api',
    feature: { gate: 'MultiCIDRRangeAllocator', components: ['kube-apiserver', 'kube-controller-manager'] },
    perVersion: [
      { versions: '>=1.29', skip: REMOVED },
      {
        stage: 'alpha',
        runtimeConfig: { 'networking.k8s.io/v1alpha1': 'true' },
        apiVersion: 'networking.k8s.io/v1alpha1',
        note: 'the v1alpha1 API that serves ClusterCIDR is off by default: runtime config',
      },
    ],
  },
  timeoutSeconds: 60,
  // Seen with kindlab test --counter-proof on v1.28.15: with MultiCIDRRangeAllocator=false every
  // check still passes. The gate switches kube-controller-manager's allocator; the API checked here
  // is served by the runtime config alone.
  counterProof: {
    notPossible:
      'MultiCIDRRangeAllocator switches the allocator in kube-controller-manager; the ClusterCIDR API checked here is served by --runtime-config alone (with the gate off every check passed on v1.28.15), so the gate is no mutation of these checks',
  },
  description:
    'Creates a ClusterCIDR (ipv4 10.250.0.0/16, perNodeHostBits 8, a nodeSelector on a label) and reads it back ' +
    'unchanged. Refused by validation, each with the API server\'s message: perNodeHostBits 2 ("must be greater ' +
    'than or equal to 4"), a /28 with perNodeHostBits 8 ("must be less than or equal to 4"), an IPv4 CIDR in the ' +
    'ipv6 field ("must be a valid IPv6 CIDR"), and neither ipv4 nor ipv6 ("one or both of `ipv4` and `ipv6` must ' +
    'be specified"). Changing the CIDR of the stored object is refused ("field is immutable"). Runs on 1.25–1.28 ' +
    'with the gate and --runtime-config=networking.k8s.io/v1alpha1=true; from 1.29, where the API and the gate were ' +
    'removed (KEP withdrawn), the planner skips it with that reason.',
  async run(ctx: ScenarioContext) {
    const api = ctx.stage?.apiVersion ?? 'networking.k8s.io/v1alpha1';
    const name = clusterScopedName(ctx, 'pods-rack-a');
    const ref = { apiVersion: api, kind: 'ClusterCIDR', name };

    await ctx.featureStep(`the API server serves ClusterCIDR in ${api}`, async () => {
      const text = await ctx.raw(`/apis/${api}`).catch((e: unknown) => {
        throw new Error(`${api} is not served (was kube-apiserver started with --runtime-config=${api}=true?): ${String(e)}`);
      });
      ctx.assert.includes(text, '"name":"clustercidrs"', `${api} lists the clustercidrs resource`);
    });

    await ctx.featureStep('a ClusterCIDR for the nodes labelled rack=a is stored as given', async () => {
      const spec = {
        ipv4: '10.250.0.0/16',
        perNodeHostBits: 8,
        nodeSelector: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kindlab.io/rack', operator: 'In', values: ['a'] }] }] },
      };
      await ctx.create(clusterCIDR(api, name, spec));
      const got = await ctx.get<ClusterCIDR>(ref);
      ctx.assert.matches(got.spec, spec, 'spec read back');
    });

    await ctx.step('validation refuses impossible slices, a wrong family and an empty spec', async () => {
      const bad = (suffix: string, spec: NonNullable<ClusterCIDR['spec']>) => ctx.create(clusterCIDR(api, clusterScopedName(ctx, suffix), spec));
      await ctx.assert.rejects(bad('tiny', { ipv4: '10.251.0.0/16', perNodeHostBits: 2 }), /spec\.perNodeHostBits: Invalid value: 2: must be greater than or equal to 4/);
      await ctx.assert.rejects(bad('too-big', { ipv4: '10.252.0.0/28', perNodeHostBits: 8 }), /spec\.perNodeHostBits: Invalid value: 8: must be less than or equal to 4/);
      await ctx.assert.rejects(bad('family', { ipv6: '10.253.0.0/16', perNodeHostBits: 8 }), /spec\.IPv6: Invalid value: "10\.253\.0\.0\/16": must be a valid IPv6 CIDR/);
      await ctx.assert.rejects(bad('empty', { perNodeHostBits: 8 }), /spec: Required value: one or both of `ipv4` and `ipv6` must be specified/);
    });

    await ctx.step('the CIDR of a stored ClusterCIDR cannot change', async () => {
      const res = await ctx.kubectl(['patch', `clustercidrs.v1alpha1.networking.k8s.io`, name, '--type=merge', '-p', JSON.stringify({ spec: { ipv4: '10.254.0.0/16' } })]);
      ctx.log(`patch spec.ipv4: exit ${res.exitCode}: ${res.stderr.trim().slice(0, 200)}`);
      ctx.assert.ok(res.exitCode !== 0, 'changing spec.ipv4 must be refused');
      ctx.assert.includes(res.stderr, /spec\.ipv4: Invalid value: .*field is immutable/);
      ctx.assert.equal((await ctx.get<ClusterCIDR>(ref)).spec?.ipv4, '10.250.0.0/16', 'the stored CIDR is unchanged');
    });
  },
});
