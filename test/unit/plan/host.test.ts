import { describe, expect, it } from 'vitest';
import { checkKubelet, checkNodeHosts, checkServedApis, checkWorkers, kubeletConfigFromConfigz, nodeFactsFromNode, servedApisFromDiscovery, type NodeFacts } from '../../../src/plan/existing.js';
import { checkHost, hostFactsFromDockerInfo, hostFactsFromNodeInfo, parseContainerdVersion, parseRuntimeVersion, versionAtLeast } from '../../../src/plan/host.js';

// Trimmed from `docker info --format '{{json .}}'` on the development VM.
const DOCKER_INFO = { KernelVersion: '6.18.44-fc-v657', CgroupVersion: '1', CgroupDriver: 'cgroupfs', OSType: 'linux', ServerVersion: '20.10.24+dfsg1' };

describe('host facts', () => {
  it('reads docker info; the runtime of kind nodes is not in it', () => {
    expect(hostFactsFromDockerInfo(DOCKER_INFO)).toEqual({ source: 'docker host', os: 'linux', kernelVersion: '6.18.44-fc-v657', cgroupVersion: '1', runtime: undefined });
    expect(hostFactsFromDockerInfo(DOCKER_INFO, { name: 'containerd', version: '2.3.4' }).runtime).toEqual({ name: 'containerd', version: '2.3.4' });
    expect(hostFactsFromDockerInfo('garbage')).toEqual({ source: 'docker host', os: undefined, kernelVersion: undefined, cgroupVersion: undefined, runtime: undefined });
  });

  it('reads a node', () => {
    expect(hostFactsFromNodeInfo('w', { operatingSystem: 'linux', kernelVersion: '5.15.0-1', containerRuntimeVersion: 'cri-o://1.30.2' })).toEqual({
      source: 'node w',
      os: 'linux',
      kernelVersion: '5.15.0-1',
      runtime: { name: 'cri-o', version: '1.30.2' },
    });
    expect(parseRuntimeVersion('containerd://v2.0.0-rc.3')).toEqual({ name: 'containerd', version: '2.0.0-rc.3' });
    expect(parseRuntimeVersion('')).toBeUndefined();
  });

  it('reads the containerd of a kind node image', () => {
    expect(parseContainerdVersion('containerd github.com/containerd/containerd/v2 v2.3.4 0123abc\n')).toEqual({ name: 'containerd', version: '2.3.4' });
    expect(parseContainerdVersion('containerd containerd.io 1.7.22 7f7fdf5\n')).toEqual({ name: 'containerd', version: '1.7.22' });
    expect(parseContainerdVersion('sh: containerd: not found')).toBeUndefined();
  });

  it('compares versions on their leading numbers', () => {
    expect(versionAtLeast('6.3', '6.3')).toBe(true);
    expect(versionAtLeast('6.18.44-fc', '6.3')).toBe(true);
    expect(versionAtLeast('5.15.153.1-microsoft-standard-WSL2', '6.3')).toBe(false);
    expect(versionAtLeast('1.7.22', '2.0')).toBe(false);
    expect(versionAtLeast('unknown', '2.0')).toBeUndefined();
  });
});

describe('checkHost', () => {
  const req = { kernel: '6.3', runtime: { containerd: '2.0', 'cri-o': '1.25' }, why: 'idmap mounts' };
  const host = (over: object) => ({ source: 'docker host', os: 'linux', kernelVersion: '6.8.0', cgroupVersion: '2' as const, runtime: { name: 'containerd', version: '2.3.4' }, ...over });

  it('is ok when every host meets every need', () => {
    expect(checkHost(req, [host({})])).toEqual({ status: 'ok' });
    expect(checkHost(undefined, undefined)).toEqual({ status: 'ok' });
  });

  it('skips with the host and the value that fails', () => {
    expect(checkHost(req, [host({ kernelVersion: '5.15.0' })])).toEqual({ status: 'skip', reason: 'needs Linux ≥ 6.3 (idmap mounts); the docker host runs 5.15.0' });
    expect(checkHost(req, [host({ runtime: { name: 'containerd', version: '1.7.22' } })])).toEqual({
      status: 'skip',
      reason: 'needs containerd ≥ 2.0 or cri-o ≥ 1.25 (idmap mounts); the docker host runs containerd 1.7.22',
    });
    expect(checkHost(req, [host({ runtime: { name: 'docker', version: '27.1' } })])).toMatchObject({ status: 'skip', reason: expect.stringMatching(/runs docker 27.1$/) });
    expect(checkHost({ cgroup: '2' }, [host({ cgroupVersion: '1' })])).toEqual({ status: 'skip', reason: 'needs cgroup v2; the docker host runs cgroup v1' });
    expect(checkHost(req, [host({ os: 'windows' })])).toMatchObject({ status: 'skip', reason: expect.stringMatching(/runs windows$/) });
  });

  it('says unknown, with what is missing, when the facts do not tell', () => {
    expect(checkHost(req, undefined)).toEqual({ status: 'unknown', reason: 'host requirements not checked: no facts about the host were gathered' });
    expect(checkHost(req, [host({ runtime: undefined })])).toEqual({
      status: 'unknown',
      reason: 'cannot tell whether the host offers containerd ≥ 2.0 or cri-o ≥ 1.25 (the docker host does not report its container runtime)',
    });
    expect(checkHost({ cgroup: '2' }, [host({ cgroupVersion: undefined })]).status).toBe('unknown');
  });
});

describe('existing clusters', () => {
  const node = (name: string, over: Partial<NodeFacts> = {}): NodeFacts => ({ name, ready: true, controlPlane: false, ...over });

  it('reads the kubelet configuration from configz (text or parsed)', () => {
    expect(kubeletConfigFromConfigz('{"kubeletconfig":{"enableSystemLogQuery":true}}')).toEqual({ enableSystemLogQuery: true });
    expect(kubeletConfigFromConfigz({ kubeletconfig: { a: 1 } })).toEqual({ a: 1 });
    expect(kubeletConfigFromConfigz('<html>')).toBeUndefined();
    expect(kubeletConfigFromConfigz({ other: 1 })).toBeUndefined();
  });

  it('compares wanted kubelet fields with every ready node, absent fields being zero values', () => {
    const want = { enableSystemLogHandler: true, enableSystemLogQuery: true };
    const on = { kubeletconfig: { enableSystemLogHandler: true, enableSystemLogQuery: true, evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '10%' } } };
    expect(checkKubelet(want, [node('a', { configz: on }), node('gone', { ready: false })])).toEqual({ status: 'ok' });
    expect(checkKubelet({ evictionHard: { 'memory.available': '100Mi' } }, [node('a', { configz: on })])).toEqual({ status: 'ok' });
    expect(checkKubelet({ failSwapOn: false }, [node('a', { configz: { kubeletconfig: {} } })])).toEqual({ status: 'ok' });
    expect(checkKubelet(want, [node('a', { configz: on }), node('b', { configz: { kubeletconfig: { enableSystemLogHandler: true, enableSystemLogQuery: false } } })])).toEqual({
      status: 'skip',
      reason: "needs the kubelet's enableSystemLogQuery: true; node b runs with enableSystemLogQuery: false (existing clusters cannot be reconfigured)",
    });
    expect(checkKubelet(want, [node('a', { configz: on }), node('b', { configzError: 'HTTP 403: nodes/proxy is forbidden' })])).toEqual({
      status: 'unknown',
      reason: 'kubelet configuration (enableSystemLogHandler: true, enableSystemLogQuery: true) not checked on b (HTTP 403: nodes/proxy is forbidden): configz not readable',
    });
    expect(checkKubelet(want, [])).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/no ready node$/) });
    expect(checkKubelet({}, undefined)).toEqual({ status: 'ok' });
  });

  it('counts ready workers and checks nodeInfo against host needs', () => {
    const nodes = [node('cp', { controlPlane: true }), node('w1'), node('w2', { ready: false })];
    expect(checkWorkers(1, nodes)).toEqual({ status: 'ok' });
    expect(checkWorkers(2, nodes)).toEqual({ status: 'skip', reason: 'needs 2 ready worker node(s); the cluster has 1' });
    expect(checkWorkers(1, undefined).status).toBe('unknown');
    const withInfo = [node('w1', { nodeInfo: { operatingSystem: 'linux', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://2.0.1' } })];
    expect(checkNodeHosts({ kernel: '6.3' }, withInfo)).toEqual({ status: 'skip', reason: 'needs Linux ≥ 6.3; the node w1 runs 6.1.0' });
    expect(checkNodeHosts({ cgroup: '2' }, withInfo)).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/node w1 does not report its cgroup version/) });
  });

  it('builds node facts from Node objects and served APIs from discovery', () => {
    const n = nodeFactsFromNode(
      {
        metadata: { name: 'kl-control-plane', labels: { 'node-role.kubernetes.io/control-plane': '' } },
        status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kernelVersion: '6.18.44', containerRuntimeVersion: 'containerd://2.3.4', operatingSystem: 'linux' } },
      },
      { error: 'HTTP 403' },
    );
    expect(n).toEqual({ name: 'kl-control-plane', ready: true, controlPlane: true, nodeInfo: { kernelVersion: '6.18.44', containerRuntimeVersion: 'containerd://2.3.4', operatingSystem: 'linux' }, configzError: 'HTTP 403' });
    expect(nodeFactsFromNode({ metadata: { name: 'fake' } })).toEqual({ name: 'fake', ready: false, controlPlane: false, nodeInfo: undefined });
    expect(
      servedApisFromDiscovery(
        { kind: 'APIVersions', versions: ['v1'] },
        { kind: 'APIGroupList', groups: [{ name: 'admissionregistration.k8s.io', versions: [{ groupVersion: 'admissionregistration.k8s.io/v1', version: 'v1' }, { groupVersion: 'admissionregistration.k8s.io/v1beta1', version: 'v1beta1' }] }] },
      ),
    ).toEqual(['v1', 'admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v1beta1']);
    expect(servedApisFromDiscovery(undefined, 'x')).toEqual([]);
  });

  it('checks runtime config against the served API versions', () => {
    expect(checkServedApis({ 'resource.k8s.io/v1beta1/deviceclasses': 'true', 'api/alpha': 'true', 'x.io/v1alpha1': 'false' }, ['resource.k8s.io/v1beta1'])).toEqual({ status: 'ok' });
    expect(checkServedApis({}, undefined)).toEqual({ status: 'ok' });
  });
});
