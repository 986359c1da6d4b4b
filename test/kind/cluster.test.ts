// Real kind clusters from the node image kindlab built (test/kind/build.test.ts builds it, or
// this file does): `up` with a worker, the kubelet setting this cgroup v1 host needs, scenarios
// on the worker's kubelet, kind's log export as an artifact, Ctrl-C during a real `kind create
// cluster`, `down`, and `ls --prune` after a cluster was deleted by hand.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, kindlabBin, realKind, repoRoot } from '../helpers/env.js';
import { env, ensureNodeImage, kindlabLong, labNode, leftovers, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { unavailable } from '../helpers/unavailable.js';

const d = whyNotReady ? describe.skip : describe;
if (whyNotReady) unavailable('real kind clusters', whyNotReady);

const nodesOf = (cluster: string): string[] =>
  docker('ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}').split('\n').filter(Boolean).sort();
const uniq = (p: string): string => `${p}-${process.pid.toString(36)}-${Date.now().toString(36).slice(-4)}`;

d('kind clusters from a kindlab node image', () => {
  let image = '';
  const created: string[] = [];
  beforeAll(() => {
    image = ensureNodeImage(labNode!);
  });
  afterAll(() => {
    for (const n of created) execFileSync(realKind, ['delete', 'cluster', '--name', n, '--kubeconfig', join(tierHome, 'scratch-kubeconfig')], { stdio: 'ignore' });
  });

  it('up with a worker: nodes Ready, failCgroupV1 set on this cgroup v1 host, scenarios run on the worker, kind logs as artifacts; down removes it', () => {
    const name = uniq('up');
    created.push(name);
    const up = kindlabLong(['up', '--name', name, '--image', image, '--workers', '1', '--wait', '180s', '--feature-gates', 'NodeLogQuery=true']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`export KUBECONFIG=${join(tierHome, 'clusters', name, 'kubeconfig')}`);
    const again = kindlabLong(['up', '--name', name, '--image', image]);
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/a kindlab cluster named ".*" already exists/);
    expect(nodesOf(name)).toEqual([`${name}-control-plane`, `${name}-worker`]);
    const kubeconfig = join(tierHome, 'clusters', name, 'kubeconfig');
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(existsSync(join(tierHome, '.kube', 'config'))).toBe(false);

    const kubectl = (...a: string[]): string => docker('exec', `${name}-control-plane`, 'kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', ...a);
    // kind's --wait covers the control plane; the worker joins a moment later.
    kubectl('wait', '--for=condition=Ready', 'node', '--all', '--timeout=120s');
    const nodes = JSON.parse(kubectl('get', 'nodes', '-o', 'json')) as { items: Array<{ metadata: { name: string }; status: { conditions: Array<{ type: string; status: string }> } }> };
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual([`${name}-control-plane`, `${name}-worker`]);
    for (const n of nodes.items) expect(n.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    if (docker('info', '--format', '{{.CgroupVersion}}') === '1') {
      expect(up.stderr + up.stdout).toMatch(/failCgroupV1: false/);
      const configz = JSON.parse(kubectl('get', '--raw', `/api/v1/nodes/${name}-worker/proxy/configz`)) as { kubeletconfig: { failCgroupV1?: boolean } };
      expect(configz.kubeletconfig.failCgroupV1).toBe(false);
    }

    // Node scenarios on the worker's kubelet (kind keeps the control plane tainted when there are
    // workers), and a failing one whose artifacts must include kind's own log export.
    const report = join(tierHome, `${name}-report.json`);
    // and upstream specs on the same cluster, from the lab's e2e.test of its version
    const vap = 'e2e:\\[sig-api-machinery\\] ValidatingAdmissionPolicy';
    const run = kindlabLong(['run', '--cluster', name, 'grpc-probe', 'runtime-not-docker', vap, '--json', report]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const results = (JSON.parse(execFileSync('cat', [report], { encoding: 'utf8' })) as { results: Array<{ id: string; status: string; logs: string[]; steps: Array<{ name: string }> }> }).results;
    expect(results.map((r) => [r.id, r.status])).toEqual(expect.arrayContaining([['grpc-probe', 'passed'], ['runtime-not-docker', 'passed'], [vap, 'passed']]));
    expect(results.find((r) => r.id === vap)!.logs.filter((l) => l.startsWith('✓ ')).length).toBeGreaterThan(3);
    const artifacts = join(tierHome, `${name}-artifacts`);
    const failing = kindlabLong(['run', '--cluster', name, '--scenarios-dir', join(repoRoot, 'test/fixtures/runner-scenarios'), '--no-builtin', 'fails-assertion', '--artifacts', artifacts]);
    expect(failing.code).toBe(1);
    const clusterLogs = join(artifacts, 'fails-assertion', 'cluster-logs');
    expect(readdirSync(clusterLogs)).toEqual(expect.arrayContaining([`${name}-control-plane`, `${name}-worker`]));
    expect(existsSync(join(clusterLogs, `${name}-worker`, 'kubelet.log'))).toBe(true);

    const ls = JSON.parse(kindlabLong(['ls', '-o', 'json']).stdout) as { clusters: Array<{ name: string; observed: string }> };
    expect(ls.clusters.find((c) => c.name === name)?.observed).toBe('ready');
    const down = kindlabLong(['down', name]);
    expect(down.code, down.stderr).toBe(0);
    expect(nodesOf(name)).toEqual([]);
    expect(existsSync(join(tierHome, 'clusters', name))).toBe(false);
  });

  it('Ctrl-C during a real kind create cluster: no container, volume, network, worktree or process left', async () => {
    const before = leftovers();
    const name = uniq('sigint');
    const child = spawn(process.execPath, [kindlabBin, 'up', '--name', name, '--image', image], { env: { ...process.env, NO_COLOR: '1', ...env() } });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const started = Date.now();
    while (nodesOf(name).length === 0 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 200));
    expect(nodesOf(name)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 3000)); // inside kind's "Starting control-plane"
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/cleaning up: deleting half-created cluster/);
    expect(nodesOf(name)).toEqual([]);
    expect(leftovers()).toEqual(before);
    expect(existsSync(join(tierHome, 'clusters', name))).toBe(false);
  });

  it('lets exactly one of two concurrent ups of the same name win', async () => {
    const name = uniq('race');
    created.push(name);
    const runUp = (): Promise<number | null> =>
      new Promise((resolve) => {
        const c = spawn(process.execPath, [kindlabBin, 'up', '--name', name, '--image', image], { env: { ...process.env, NO_COLOR: '1', ...env() }, stdio: 'ignore' });
        c.on('exit', resolve);
      });
    const codes = await Promise.all([runUp(), runUp()]);
    expect(codes.sort()).toEqual([0, 5]);
    expect(nodesOf(name)).toEqual([`${name}-control-plane`]);
    expect(kindlabLong(['down', name]).code).toBe(0);
    expect(nodesOf(name)).toEqual([]);
  });

  it('ls shows a cluster deleted by hand with kind as missing, and --prune forgets it', () => {
    const name = uniq('prune');
    created.push(name);
    const up = kindlabLong(['up', '--name', name, '--image', image]);
    expect(up.code, up.stderr).toBe(0);
    execFileSync(realKind, ['delete', 'cluster', '--name', name, '--kubeconfig', join(tierHome, 'scratch-kubeconfig')], { stdio: 'ignore' });
    const ls = kindlabLong(['ls', '-o', 'json']);
    expect((JSON.parse(ls.stdout) as { clusters: Array<{ name: string; observed: string }> }).clusters.find((c) => c.name === name)?.observed).toBe('missing');
    const prune = kindlabLong(['ls', '--prune']);
    expect(prune.code).toBe(0);
    expect(existsSync(join(tierHome, 'clusters', name))).toBe(false);
  });
});
