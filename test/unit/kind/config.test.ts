import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { emptyProfile, type ClusterProfile } from '../../../src/cluster/profile.js';
import { renderKindConfig } from '../../../src/kind/config.js';
import { UsageError } from '../../../src/errors.js';

const profile = (p: Partial<ClusterProfile> = {}): ClusterProfile => ({ ...emptyProfile(), ...p });
const base = { kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4' };

describe('renderKindConfig', () => {
  it('renders gates, runtime config, image and workers', () => {
    const { config, yaml } = renderKindConfig({
      profile: profile({ featureGates: { CronJobTimeZone: true }, runtimeConfig: { 'batch/v2alpha1': 'true' }, workers: 2 }),
      image: 'kindlab/node:v1.33.0',
      filesHostDir: '/state/c/files',
      clusterName: 'dev',
    });
    expect(config).toMatchObject({ kind: 'Cluster', name: 'dev', featureGates: { CronJobTimeZone: true }, runtimeConfig: { 'batch/v2alpha1': 'true' } });
    const nodes = config.nodes as Array<Record<string, unknown>>;
    expect(nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker']);
    expect(nodes.every((n) => n.image === 'kindlab/node:v1.33.0')).toBe(true);
    expect(nodes[0]?.extraMounts).toEqual([{ hostPath: '/state/c/files', containerPath: '/etc/kindlab/files', readOnly: true }]);
    expect(YAML.parse(yaml)).toEqual(config);
    expect(config.kubeadmConfigPatches).toBeUndefined();
  });

  it('turns API-server flags and files into a kubeadm patch in the dialect of the version', () => {
    const p = profile({ apiServerExtraArgs: { 'authentication-config': '${KINDLAB_FILES}/authn.yaml' }, files: [{ name: 'authn.yaml', content: 'x' }] });
    const v3 = renderKindConfig({ profile: p, kubernetesVersion: '1.33.1', kindVersion: '0.33.0', filesHostDir: '/f' });
    const patch3 = YAML.parse((v3.config.kubeadmConfigPatches as string[])[0] ?? '');
    expect(patch3).toMatchObject({
      kind: 'ClusterConfiguration',
      apiVersion: 'kubeadm.k8s.io/v1beta3',
      apiServer: { extraArgs: { 'authentication-config': '/etc/kindlab/files/authn.yaml' } },
    });
    expect(patch3.apiServer.extraVolumes[0]).toMatchObject({ hostPath: '/etc/kindlab/files', mountPath: '/etc/kindlab/files' });
    const v4 = renderKindConfig({ profile: p, kubernetesVersion: '1.37.0', kindVersion: '0.33.0', filesHostDir: '/f' });
    const patch4 = YAML.parse((v4.config.kubeadmConfigPatches as string[])[0] ?? '');
    expect(patch4.apiVersion).toBe('kubeadm.k8s.io/v1beta4');
    expect(patch4.apiServer.extraArgs).toEqual([{ name: 'authentication-config', value: '/etc/kindlab/files/authn.yaml' }]);
  });

  it('merges the user config and keeps what kindlab does not set', () => {
    const user = { ...base, networking: { ipFamily: 'ipv6' }, featureGates: { Other: false }, nodes: [{ role: 'control-plane' }, { role: 'worker', labels: { a: 'b' } }] };
    const { config } = renderKindConfig({ profile: profile({ featureGates: { CronJobTimeZone: true }, workers: 1 }), image: 'img:1', userConfig: user });
    expect(config.networking).toEqual({ ipFamily: 'ipv6' });
    expect(config.featureGates).toEqual({ Other: false, CronJobTimeZone: true });
    expect(config.nodes).toEqual([
      { role: 'control-plane', image: 'img:1' },
      { role: 'worker', labels: { a: 'b' }, image: 'img:1' },
    ]);
  });

  it.each([
    ['a feature gate', { featureGates: { A: false } }, profile({ featureGates: { A: true } }), /feature gate A: kindlab wants true .* sets false/],
    ['runtime config', { runtimeConfig: { 'x.io/v1': 'false' } }, profile({ runtimeConfig: { 'x.io/v1': 'true' } }), /runtime config x.io\/v1/],
    ['worker count', { nodes: [{ role: 'control-plane' }] }, profile({ workers: 2 }), /worker count: kindlab wants 2 .* lists 0/],
    ['node image', { nodes: [{ role: 'control-plane', image: 'theirs:1' }] }, profile(), /nodes\[0\].image: kindlab wants img:1, .* sets theirs:1/],
    ['cluster name', { name: 'theirs' }, profile(), /--name says "dev", .* says "theirs"/],
    [
      'an API-server flag in a user patch',
      { kubeadmConfigPatches: ['kind: ClusterConfiguration\napiServer:\n  extraArgs:\n    authorization-mode: AlwaysAllow\n'] },
      profile({ apiServerExtraArgs: { 'authorization-mode': 'Node,RBAC' } }),
      /kube-apiserver --authorization-mode: kindlab wants "Node,RBAC", a kubeadmConfigPatch in .* sets "AlwaysAllow"/,
    ],
  ])('refuses a conflict on %s, naming both sides', (_what, userExtra, p, msg) => {
    const run = () => renderKindConfig({ profile: p, image: 'img:1', userConfig: { ...base, ...userExtra }, userConfigPath: 'my.yaml', clusterName: 'dev' });
    expect(run).toThrow(UsageError);
    expect(run).toThrow(msg);
  });

  it('rejects something that is not a kind config', () => {
    expect(() => renderKindConfig({ profile: profile(), userConfig: { kind: 'Pod' }, userConfigPath: 'x.yaml' })).toThrow(/not a kind cluster config/);
    expect(() => renderKindConfig({ profile: profile(), userConfig: ['a'] })).toThrow(/expected a YAML mapping/);
    expect(() => renderKindConfig({ profile: profile(), userConfig: { ...base, nodes: [{ role: 'master' }] } })).toThrow(/role must be/);
  });
});
