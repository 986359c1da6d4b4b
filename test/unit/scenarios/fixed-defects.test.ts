// One check per catalogue defect that was fixed, each of which fails against the old behaviour:
// either the scenario's run() against a fake context (test/unit/scenarios/fake-context.ts) whose
// answers reproduce the situation the old code got wrong, or the pure helper the fix introduced.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { KubectlResult, Scenario } from '../../../src/scenario/types.js';
import { isKubeletNode } from '../../../scenarios/_support/nodes.js';
import etcdVersion from '../../../scenarios/etcd-version.js';
import inPlacePodResize, { cpuLimitMillis } from '../../../scenarios/in-place-pod-resize.js';
import jobTrackingFinalizer from '../../../scenarios/job-tracking-finalizer.js';
import { oomEventLine, uncountedOomSkip } from '../../../scenarios/kubelet-oom-metric.js';
import { ownSidecarProblem } from '../../../scenarios/mutating-admission-policy.js';
import { podCgroupLimits, podCgroupScript } from '../../../scenarios/pod-level-resources.js';
import runtimeNotDocker from '../../../scenarios/runtime-not-docker.js';
import statefulsetMaxUnavailable from '../../../scenarios/statefulset-max-unavailable.js';
import { availablePods, rolloutProgress, unavailableAfterReadyMs } from '../../../scenarios/statefulset-max-unavailable.js';
import userNamespaces, { HOST_NETWORK_REJECTION, STATEFUL_VOLUME_REJECTION } from '../../../scenarios/user-namespaces.js';
import { failed, fakeContext, ok, Skip, type FakeAnswers } from './fake-context.js';

const runWith = (s: Scenario, answers: FakeAnswers) => {
  const f = fakeContext(answers);
  return { f, result: s.run(f.ctx) };
};

describe('kubelet-oom-metric: the counter line, and a skip only for a kill cgroup v1 hides', () => {
  const metrics = [
    'container_oom_events_total{container="hog",namespace="kl-x",pod="oom-child"} 0',
    'container_oom_events_total{container="hog",namespace="kl-x",pod="oom-child-2"} 3',
    'container_oom_events_total{container="other",namespace="kl-x",pod="oom-child"} 5',
  ].join('\n');

  it('counts only this pod and container, and only at ≥ 1', () => {
    expect(oomEventLine(metrics, 'oom-child', 'hog')).toBeUndefined();
    const counted = metrics.replace('pod="oom-child"} 0', 'pod="oom-child"} 2');
    expect(oomEventLine(counted, 'oom-child', 'hog')).toBe('container_oom_events_total{container="hog",namespace="kl-x",pod="oom-child"} 2');
  });

  it('skips (cgroup v1 limit) only when the container saw its child killed on a v1 node; fails otherwise', () => {
    expect(uncountedOomSkip('rc=0\nKilled\nrc=137\n', 'v1\n')).toMatch(/cgroup v1 node/);
    expect(uncountedOomSkip('rc=0\nrc=0\n', 'v1\n')).toBeUndefined(); // no kill seen: a real failure
    expect(uncountedOomSkip('Killed\nrc=137\n', 'v2\n')).toBeUndefined(); // cgroup v2 must count it
  });
});

describe('statefulset-max-unavailable: the rollout is judged only after the controller saw the patch', () => {
  const change = { generation: 3, previousRevision: 'web-old', replicas: 4 };
  const settledOld = { observedGeneration: 2, currentRevision: 'web-old', updateRevision: 'web-old', updatedReplicas: 4, availableReplicas: 4, replicas: 4 };

  it('is not done while the status still describes the old template (observedGeneration behind)', () => {
    // The old loop ended here, before any pod was replaced, and measured nothing.
    expect(rolloutProgress(settledOld, change, false)).toEqual({ seenNewRevision: false, done: false });
  });

  it('is not done when the generation was observed but no new revision exists yet', () => {
    expect(rolloutProgress({ ...settledOld, observedGeneration: 3 }, change, false)).toEqual({ seenNewRevision: false, done: false });
  });

  it('is done once the new revision is rolled out everywhere', () => {
    const moving = { ...settledOld, observedGeneration: 3, updateRevision: 'web-new', updatedReplicas: 2, availableReplicas: 2 };
    expect(rolloutProgress(moving, change, false)).toEqual({ seenNewRevision: true, done: false });
    const finished = { ...moving, currentRevision: 'web-new', updatedReplicas: 4, availableReplicas: 4 };
    expect(rolloutProgress(finished, change, true)).toEqual({ seenNewRevision: true, done: true });
  });

  it('counts a pod as available only after minReadySeconds, and never while it is deleted', () => {
    const now = Date.parse('2026-11-24T00:00:10Z');
    const pod = (readySince: string | undefined, deleting = false): V1Pod => ({
      metadata: { name: 'p', ...(deleting ? { deletionTimestamp: new Date(now) } : {}) },
      status: { conditions: readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(readySince) }] : [] },
    });
    const pods = [pod('2026-11-24T00:00:00Z'), pod('2026-11-24T00:00:09Z'), pod('2026-11-24T00:00:00Z', true), pod(undefined)];
    expect(availablePods(pods, now, 3000)).toBe(1);
  });

  it('before 1.34 counts a Ready pod as available at once, as that release\'s controller does (k/k#112307)', () => {
    // On v1.30.14 kind nodes the rollout took the next pods down while the replaced ones were Ready
    // for under minReadySeconds: measured with minReadySeconds it read "saw 4" and failed.
    expect(unavailableAfterReadyMs(30)).toBe(0);
    expect(unavailableAfterReadyMs(33)).toBe(0);
    expect(unavailableAfterReadyMs(34)).toBe(3000);
    expect(unavailableAfterReadyMs(37)).toBe(3000);
    const now = Date.parse('2026-11-24T00:00:10Z');
    const justReady: V1Pod = { metadata: { name: 'p' }, status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date(now - 500) }] } };
    expect(availablePods([justReady], now, unavailableAfterReadyMs(30))).toBe(1);
    expect(availablePods([justReady], now, unavailableAfterReadyMs(37))).toBe(0);
  });
});

describe('statefulset-max-unavailable: a failed rollout patch fails the scenario at once', () => {
  it('stops with kubectl\'s error instead of watching a rollout that never started', async () => {
    const sts = { metadata: { generation: 1 }, status: { currentRevision: 'r1', updateRevision: 'r1', availableReplicas: 4, updatedReplicas: 4, observedGeneration: 1 } };
    const keep = (maxUnavailable: number | string) => ({ spec: { updateStrategy: { rollingUpdate: { maxUnavailable } } } });
    const { result } = runWith(statefulsetMaxUnavailable, {
      cluster: { featureGates: { MaxUnavailableStatefulSet: true } },
      create: (o) => {
        if (o.metadata?.name === 'mu-zero') throw new Error('spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0');
        if (o.metadata?.name === 'mu-too-much') throw new Error('spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%');
      },
      get: (ref) => (ref.name === 'mu-int' ? keep(2) : ref.name === 'mu-pct' ? keep('50%') : sts),
      waitFor: () => sts,
      listNamespacedPod: () => ({ items: [] }),
      kubectl: (args) => (args[0] === 'patch' ? failed('Error from server (Forbidden): statefulsets.apps "mu-roll" is forbidden') : ok()),
    });
    // The old code went on without the patch: the settled status read as "rollout done", 0 pods down.
    await expect(result).rejects.toThrow(/kubectl patch failed: Error from server \(Forbidden\)/);
  });
});

describe('etcd-version: the binary is asked in kube-system, and a failed exec is a failure', () => {
  const etcdPod: V1Pod = {
    metadata: { name: 'etcd-kind-control-plane', namespace: 'kube-system' },
    spec: { containers: [{ name: 'etcd', image: 'registry.k8s.io/etcd:3.5.6-0', command: ['etcd', '--data-dir=/var/lib/etcd'] }] },
    status: { phase: 'Running' },
  };
  const answers = (kubectl: (args: string[]) => KubectlResult): FakeAnswers => ({
    listNamespacedPod: ({ namespace, labelSelector }) => ({ items: namespace === 'kube-system' && labelSelector === 'component=etcd' ? [etcdPod] : [] }),
    kubectl,
  });

  it('fails when `etcd --version` cannot run (the old code fell back to the image tag and passed)', async () => {
    const { f, result } = runWith(etcdVersion, answers(() => failed('error: unable to upgrade connection: container not found ("etcd")')));
    await expect(result).rejects.toThrow(/etcd --version in kube-system\/etcd-kind-control-plane failed: error: unable to upgrade connection/);
    expect(f.kubectlCalls[0]).toEqual(['exec', '-n', 'kube-system', 'etcd-kind-control-plane', '-c', 'etcd', '--', 'etcd', '--version']);
  });

  it('believes the binary over the image tag', async () => {
    const { result } = runWith(etcdVersion, answers(() => ok('etcd Version: 3.5.1\nGit SHA: x\nGo Version: go1.16\n')));
    await expect(result).rejects.toThrow(/etcd 3\.5\.1 is affected by the data inconsistency bug etcd-io\/etcd#13766/);
    const fine = runWith(etcdVersion, answers(() => ok('etcd Version: 3.5.6\n')));
    await expect(fine.result).resolves.toBeUndefined();
  });
});

describe('runtime-not-docker and node-log-query: nodes with a real kubelet only', () => {
  const node = (name: string, o: { fake?: boolean; ready?: 'True' | 'False'; reason?: string; runtime?: string; kubelet?: string } = {}): V1Node => ({
    metadata: { name, labels: o.fake ? { 'kindlab.io/fake-node': 'true' } : {} },
    status: {
      conditions: [{ type: 'Ready', status: o.ready ?? 'True', reason: o.reason ?? 'KubeletReady' }],
      nodeInfo: {
        containerRuntimeVersion: o.runtime ?? 'containerd://2.3.4',
        kubeletVersion: o.kubelet ?? 'v1.37.2',
        architecture: 'amd64', bootID: '', kernelVersion: '', kubeProxyVersion: '', machineID: '', operatingSystem: 'linux', osImage: '', systemUUID: '',
      },
    },
  });

  it('isKubeletNode leaves out hand-made, NotReady and not-kubelet-reported nodes', () => {
    expect(isKubeletNode(node('kind-control-plane'))).toBe(true);
    expect(isKubeletNode(node('kl-x-ws', { fake: true }))).toBe(false);
    expect(isKubeletNode(node('down', { ready: 'False' }))).toBe(false);
    expect(isKubeletNode(node('hand-ready', { reason: 'Manual' }))).toBe(false);
    expect(isKubeletNode(node('no-kubelet', { kubelet: '' }))).toBe(false);
  });

  it('runtime-not-docker ignores a hand-made Node another scenario created in parallel', async () => {
    const handMade = node('kl-other-ws', { fake: true, runtime: '' });
    const { result } = runWith(runtimeNotDocker, { listNode: () => ({ items: [node('kind-control-plane'), handMade] }) });
    await expect(result).resolves.toBeUndefined(); // the old code read the hand-made node's empty runtime and failed
    const onlyHandMade = runWith(runtimeNotDocker, { listNode: () => ({ items: [handMade] }) });
    await expect(onlyHandMade.result).rejects.toBeInstanceOf(Skip);
    const docker = runWith(runtimeNotDocker, { listNode: () => ({ items: [node('old', { runtime: 'docker://24.0.7' })] }) });
    await expect(docker.result).rejects.toThrow(/cri-dockerd/);
  });
});

describe('mutating-admission-policy: a pod that brought its own sidecar keeps it', () => {
  const own: V1Container = { name: 'mesh-proxy', image: 'registry.invalid/own-mesh-proxy:1', restartPolicy: 'Always', args: ['own'] };
  const podWith = (init: V1Container[]): V1Pod => ({ spec: { initContainers: init, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] } });

  it('accepts the untouched pod', () => {
    expect(ownSidecarProblem(podWith([own]), own)).toBeUndefined();
  });

  it('catches a merge by name that replaced the image but kept the args (the old check saw one mesh-proxy with args ["own"] and passed)', () => {
    const merged = { ...own, image: 'registry.k8s.io/pause:3.10' };
    expect(ownSidecarProblem(podWith([merged]), own)).toMatch(/image registry\.invalid\/own-mesh-proxy:1 was replaced by registry\.k8s\.io\/pause:3\.10/);
    expect(ownSidecarProblem(podWith([own, { ...own, image: 'registry.k8s.io/pause:3.10' }]), own)).toMatch(/init containers after admission: mesh-proxy,mesh-proxy/);
  });
});

describe('user-namespaces: the hostNetwork refusal in either wording', () => {
  it.each([
    ['older releases (Go field name)', 'Pod "userns-hostnet" is invalid: spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false'],
    ['newer releases (JSON field name)', 'Pod "userns-hostnet" is invalid: spec.hostNetwork: Forbidden: when `hostUsers` is false'],
  ])('%s', (_what, message) => {
    expect(message).toMatch(HOST_NETWORK_REJECTION);
  });

  it('does not take another refusal for it', () => {
    expect('spec.hostPID: Forbidden: when `hostUsers` is false').not.toMatch(HOST_NETWORK_REJECTION);
  });
});

describe('user-namespaces at 1.25–1.27: stateless pods only, under the gate of that release', () => {
  const node = { metadata: { name: 'n' }, status: { nodeInfo: { operatingSystem: 'linux', kernelVersion: '6.18.44', containerRuntimeVersion: 'containerd://2.3.4' } } };
  type PodLike = { metadata?: { name?: string }; spec?: { hostUsers?: boolean; hostNetwork?: boolean; volumes?: Array<{ hostPath?: unknown }> } };
  // kube-apiserver v1.27.16's validateHostUsers, for the two rules the scenario meets
  const apiServer127 = (statelessRule: boolean) => (obj: PodLike) => {
    const spec = obj.spec ?? {};
    if (spec.hostUsers !== false) return;
    if (statelessRule && spec.volumes?.some((v) => v.hostPath)) throw new Error('Pod "userns-hostpath" is invalid: spec.volumes[0]: Forbidden: volume type not supported when `pod.Spec.HostUsers` is false');
    if (spec.hostNetwork) throw new Error('Pod "userns-hostnet" is invalid: spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false');
  };
  const run = (statelessRule: boolean) =>
    runWith(userNamespaces, {
      cluster: { version: '1.27.16', gitVersion: 'v1.27.16', featureGates: { UserNamespacesStatelessPodsSupport: true } },
      listNode: () => ({ items: [node] }),
      create: apiServer127(statelessRule),
      waitFor: () => ({ status: { phase: 'Running' } }),
      exec: (pod) => ok(pod === 'userns' ? '         0     131072      65536\n' : '         0          0 4294967295\n'),
    });

  it('passes where the API server refuses hostPath with hostUsers: false, and the pod root is mapped', async () => {
    const { f, result } = run(true);
    await expect(result).resolves.toBeUndefined();
    expect(f.steps).toContain('stateless pods only: hostUsers: false with a hostPath volume is rejected');
    // the gate read by its 1.27 name (the old code read UserNamespacesSupport there and skipped the release)
    expect(f.logs.join('\n')).toContain('feature gate UserNamespacesSupport (UserNamespacesStatelessPodsSupport at this release) is on (cluster profile)');
  });

  it('fails where hostUsers: false with a hostPath volume is accepted', async () => {
    await expect(run(false).result).rejects.toThrow(/expected a rejection/);
  });

  it('matches 1.25–1.27\'s refusal and not another', () => {
    expect('Pod "userns-hostpath" is invalid: spec.volumes[0]: Forbidden: volume type not supported when `pod.Spec.HostUsers` is false').toMatch(STATEFUL_VOLUME_REJECTION);
    expect('spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false').not.toMatch(STATEFUL_VOLUME_REJECTION);
  });
});

describe('job-tracking-finalizer: uncountedTerminatedPods has its shape and not the running pod', () => {
  const podUid = '6f1c2f9e-6f1c-4f9e-8f1c-2f9e6f1c2f9e';
  const run = (uncounted: unknown, after: { succeeded?: number; finalizers?: string[] } = { succeeded: 1, finalizers: [] }) =>
    runWith(jobTrackingFinalizer, {
      cluster: { version: '1.37.2', hasNodes: false, provider: 'local' },
      listNamespacedPod: () => ({ items: [{ metadata: { name: 'tracked-x', uid: podUid, finalizers: ['batch.kubernetes.io/job-tracking'] } }] }),
      waitFor: () => ({ status: { uncountedTerminatedPods: uncounted, succeeded: after.succeeded } }),
      kubectl: () => ok(''),
      readNamespacedPod: () => ({ metadata: { name: 'tracked-x', finalizers: after.finalizers } }),
    }).result;

  it('passes when the running pod is not counted, and once terminated it is counted and its finalizer removed', async () => {
    await expect(run({})).resolves.toBeUndefined();
  });

  it('fails when the terminated pod is never counted, or keeps the finalizer (the old check never terminated a pod)', async () => {
    await expect(run({}, { succeeded: 0, finalizers: [] })).rejects.toThrow(/status.succeeded/);
    await expect(run({}, { succeeded: 1, finalizers: ['batch.kubernetes.io/job-tracking'] })).rejects.toThrow(/removed from pod tracked-x/);
  });

  it('fails when the running pod is listed as terminated (the old check only asked for "an object")', async () => {
    await expect(run({ succeeded: [podUid] })).rejects.toThrow(/the running pod tracked-x is not among the uncounted terminated pods/);
  });

  it('fails for the wrong shape', async () => {
    await expect(run([])).rejects.toThrow(/uncountedTerminatedPods is an object/);
    await expect(run({ failed: ['not-a-uid'] })).rejects.toThrow(/its lists hold pod UIDs/);
  });

  it('fails when the pod lacks the finalizer while the gate is on', async () => {
    const { result } = runWith(jobTrackingFinalizer, {
      cluster: { version: '1.37.2', hasNodes: false, provider: 'local' },
      listNamespacedPod: () => ({ items: [{ metadata: { name: 'tracked-x', uid: podUid, finalizers: [] } }] }),
    });
    await expect(result).rejects.toThrow(/must carry batch\.kubernetes\.io\/job-tracking/);
  });
});

describe('in-place-pod-resize: the node resize\'s own result is checked, in the container\'s cgroup', () => {
  const resized = {
    spec: { containers: [{ name: 'app', resources: { requests: { cpu: '150m', memory: '64Mi' }, limits: { cpu: '300m', memory: '128Mi' } } }] },
    status: { phase: 'Running', containerStatuses: [{ restartCount: 0, resources: { requests: { cpu: '180m' } } }] },
  };
  const kubectl = (nodeResize: KubectlResult, cgroupAfter: string) => {
    let limitNow = '30000 100000\n';
    return (args: string[]): KubectlResult => {
      if (args[0] === 'exec') return ok(limitNow);
      const patch = args[args.indexOf('-p') + 1] ?? '';
      if (!args.includes('--subresource=resize')) return failed('The Pod "resizable" is invalid: spec: Forbidden: pod updates may not change fields other than ...');
      if (patch.includes('"400m"') && !patch.includes('"180m"')) return failed('Invalid value: "400m": must be less than or equal to cpu limit of 300m');
      if (patch.includes('"memory":"128Mi"')) return failed('Pod QOS Class may not change as a result of resizing');
      if (patch.includes('"180m"')) {
        if (nodeResize.exitCode === 0) limitNow = cgroupAfter;
        return nodeResize;
      }
      return ok('pod/resizable patched');
    };
  };
  const run = (nodeResize: KubectlResult, cgroupAfter = '40000 100000\n') =>
    runWith(inPlacePodResize, { cluster: { version: '1.37.2', hasNodes: true }, get: () => resized, waitFor: () => resized, kubectl: kubectl(nodeResize, cgroupAfter) }).result;

  it('passes when the kubelet-side resize was accepted and the cgroup follows it', async () => {
    await expect(run(ok('pod/resizable patched'))).resolves.toBeUndefined();
  });

  it('fails when the resize was refused, even if the status happens to show the value (the old code ignored the exit code)', async () => {
    await expect(run(failed('Error from server (Conflict): the object has been modified'))).rejects.toThrow(/kubectl patch --subresource=resize \(180m\/400m\): Error from server \(Conflict\)/);
  });

  it('fails when the status shows the resize but the cgroup keeps the old limit (the old code read the status only)', async () => {
    await expect(run(ok('pod/resizable patched'), '30000 100000\n')).rejects.toThrow(/cgroup CPU limit to become 400m/);
  });

  it('reads cgroup v2 cpu.max and cgroup v1 quota/period, and no limit as none', () => {
    expect(cpuLimitMillis('30000 100000\n')).toBe(300);
    expect(cpuLimitMillis('40000\n100000\n')).toBe(400);
    expect(cpuLimitMillis('max 100000\n')).toBeUndefined();
    expect(cpuLimitMillis('-1\n100000\n')).toBeUndefined();
    expect(cpuLimitMillis('cat: can\'t open')).toBeUndefined();
  });
});

describe('container-checkpoint: only the runtime\'s own inability is a skip; the archive is checked', () => {
  it('names CRIU missing or the CRI method missing, and nothing else', async () => {
    const { runtimeCannotCheckpoint } = await import('../../../scenarios/container-checkpoint.js');
    expect(runtimeCannotCheckpoint(500, 'checkpointing of container failed: CRIU binary not found: exec: "criu": executable file not found in $PATH')).toMatch(/CRIU is not installed/);
    expect(runtimeCannotCheckpoint(500, 'rpc error: code = Unimplemented desc = method CheckpointContainer not implemented')).toMatch(/does not implement/);
    // the old check skipped on any message that mentioned criu, or on a 404
    expect(runtimeCannotCheckpoint(500, 'criu dump failed: (00.004) Error (criu/cr-dump.c:1234): dump failed')).toBeUndefined();
    expect(runtimeCannotCheckpoint(404, '404 page not found')).toBeUndefined();
  });

  it('requires spec.dump, config.dump and checkpoint/inventory.img in the archive', async () => {
    const { archiveEntriesMissing } = await import('../../../scenarios/container-checkpoint.js');
    expect(archiveEntriesMissing('spec.dump\nconfig.dump\ncheckpoint/\ncheckpoint/inventory.img\nrootfs-diff.tar\n')).toEqual([]);
    expect(archiveEntriesMissing('./spec.dump\n./config.dump\n')).toEqual(['checkpoint/inventory.img']);
  });
});

describe('pod-level-resources: the pod cgroup is found by UID and read on cgroup v1 and v2', () => {
  const uid = '0b3c2f4e-1111-4a2b-9c3d-5e6f7a8b9c0d';
  const tree = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(tmpdir(), 'kl-cgroup-'));
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    return root;
  };
  const read = (root: string) => execFileSync('sh', ['-c', podCgroupScript(uid, root)], { encoding: 'utf8' });

  it('reads cpu.max and memory.max of the systemd pod slice on cgroup v2', () => {
    const slice = `kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod${uid.replace(/-/g, '_')}.slice`;
    const root = tree({ 'cgroup.controllers': 'cpu memory', [`${slice}/cpu.max`]: '50000 100000\n', [`${slice}/memory.max`]: '268435456\n', 'other/cpu.max': 'max 100000\n' });
    expect(podCgroupLimits(read(root))).toEqual({ cpuMillis: 500, memoryBytes: 268435456 });
    rmSync(root, { recursive: true });
  });

  it('reads the cpu and memory hierarchies of a cgroupfs pod directory on cgroup v1', () => {
    const root = tree({ [`cpu/kubepods/pod${uid}/cpu.cfs_quota_us`]: '50000\n', [`cpu/kubepods/pod${uid}/cpu.cfs_period_us`]: '100000\n', [`memory/kubepods/pod${uid}/memory.limit_in_bytes`]: '268435456\n' });
    expect(podCgroupLimits(read(root))).toEqual({ cpuMillis: 500, memoryBytes: 268435456 });
    rmSync(root, { recursive: true });
  });

  it('takes unlimited as no limit, and fails where no cgroup carries the pod UID', () => {
    expect(podCgroupLimits('max 100000 max')).toEqual({ cpuMillis: undefined, memoryBytes: undefined });
    expect(podCgroupLimits('-1 100000 9223372036854771712')).toEqual({ cpuMillis: undefined, memoryBytes: undefined });
    const root = tree({ 'cgroup.controllers': 'cpu memory', 'kubepods.slice/cpu.max': '50000 100000\n' });
    expect(() => read(root)).toThrow(expect.objectContaining({ status: 3 }));
    rmSync(root, { recursive: true });
  });
});
