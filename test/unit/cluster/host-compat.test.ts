import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { hostAdjustments } from '../../../src/cluster/host-compat.js';
import { emptyProfile } from '../../../src/cluster/profile.js';
import { renderKindConfig } from '../../../src/kind/config.js';

describe('host adjustments', () => {
  it('sets failCgroupV1: false for a cgroup v1 host from 1.35 on, with its reason', () => {
    const a = hostAdjustments('v1.37.2', { cgroupVersion: '1' });
    expect(a.kubelet).toEqual({ failCgroupV1: false });
    expect(a.notes.join()).toMatch(/KEP-5573/);
    expect(hostAdjustments('v1.35.0', { cgroupVersion: '1' }).kubelet).toEqual({ failCgroupV1: false });
  });

  it('leaves older versions, cgroup v2 hosts and unknown versions alone', () => {
    expect(hostAdjustments('v1.34.3', { cgroupVersion: '1' }).kubelet).toEqual({});
    expect(hostAdjustments('v1.37.2', { cgroupVersion: '2' }).kubelet).toEqual({});
    expect(hostAdjustments(undefined, { cgroupVersion: '1' }).kubelet).toEqual({});
  });

  it('renders host and scenario kubelet fields as one KubeletConfiguration patch', () => {
    const profile = { ...emptyProfile(), kubelet: { enableSystemLogQuery: true } };
    const { config } = renderKindConfig({ profile, kubernetesVersion: 'v1.37.2', hostKubelet: { failCgroupV1: false } });
    const patches = config.kubeadmConfigPatches as string[];
    const kubelet = patches.map((p) => YAML.parse(p) as Record<string, unknown>).find((d) => d.kind === 'KubeletConfiguration');
    expect(kubelet).toEqual({ kind: 'KubeletConfiguration', apiVersion: 'kubelet.config.k8s.io/v1beta1', enableSystemLogQuery: true, failCgroupV1: false });
  });

  it('refuses a user patch that contradicts a kubelet field kindlab must set', () => {
    const user = { kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', kubeadmConfigPatches: ['kind: KubeletConfiguration\nfailCgroupV1: true\n'] };
    expect(() => renderKindConfig({ profile: emptyProfile(), userConfig: user, userConfigPath: 'my.yaml', hostKubelet: { failCgroupV1: false } })).toThrow(/failCgroupV1.*my.yaml/);
  });
});
