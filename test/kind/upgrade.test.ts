// Upgrades on real kind clusters (control plane + 1 worker). The full tier (.ci/releases: v1.37.1
// `upgrade-from`): a cluster from a node image of v1.37.1 — the lab's checkout of that release,
// built by kindlab build — runs create-token, grpc-probe and cronjob-timezone, is upgraded to the lab's v1.37.2 the
// way kubeadm does, and runs them again; create-token's token made before the upgrade must still
// authenticate after it, and its CronJob fire in its zone. Then Ctrl-C in the middle of `kindlab upgrade` leaves a cluster `ls`
// describes and `down` removes. Every tier: the refusals that come before any build, against the
// lab's v1.37.2 cluster of the tier (the skew policy, a provider that cannot upgrade).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, kindlabBin, realKind } from '../helpers/env.js';
import { env, ensureNodeImage, kindlabLong, labNode, leftovers, leftoverWorktrees, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { inTier } from '../helpers/releases.js';
import { unavailable } from '../helpers/unavailable.js';
import { labCacheRoot } from '../../src/lab/cache.js';

const d = whyNotReady ? describe.skip : describe;
if (whyNotReady) unavailable('real kind clusters', whyNotReady);

const FROM = 'v1.37.1';
const worktrees = (l: { worktrees: string[] }): string[] => leftoverWorktrees(l.worktrees);

interface Report {
  clusters: Array<{ name: string; version: string; upgrade?: { from: string; to: string; error?: string; steps: Array<{ step: string; where: string; version?: string }> } }>;
  results: Array<{ id: string; status: string; phase?: string; message?: string; steps: Array<{ name: string; status: string }> }>;
}

/** The lab's checkout of FROM (lab/node/kube-checkout.sh) and its node image (kindlab build), built once. */
function olderNodeImage(): { image: string; kubeRoot: string } {
  const lab = labNode!;
  const kubeRoot = join(labCacheRoot(), 'node', `kubernetes-${FROM}`);
  if (!existsSync(join(kubeRoot, '.git'))) {
    execFileSync('bash', [join(__dirname, '../../lab/node/kube-checkout.sh')], { env: { ...process.env, K8S_VERSION: FROM, KINDLAB_LAB_CACHE: labCacheRoot() }, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  // The toolchain of the release upgraded to: the Go build cache then serves every package the
  // patch release did not change (one toolchain and flag set for both builds).
  const toolchain = `go${readFileSync(join(lab.kubeRoot, '.go-version'), 'utf8').trim()}`;
  const r = kindlabLong(['build', FROM, '--kube-root', kubeRoot, '--base-image', lab.baseImage, '--images', lab.imagesDir, '-o', 'json'], { KINDLAB_GOTOOLCHAIN: toolchain });
  if (r.code !== 0) throw new Error(`kindlab build ${FROM} failed (${r.code}):\n${r.stderr.slice(-4000)}`);
  return { image: (JSON.parse(r.stdout) as { image: string }).image, kubeRoot };
}

d('kindlab upgrade: refusals and the dry run, before any build (every tier)', () => {
  const name = `upref-${process.pid.toString(36)}`;
  let tree = '';
  beforeAll(() => {
    const up = kindlabLong(['up', '--name', name, '--image', ensureNodeImage(labNode!), '--workers', '1', '--wait', '180s']);
    if (up.code !== 0) throw new Error(`kindlab up failed (${up.code}):\n${up.stderr.slice(-3000)}`);
    // A clone sharing the lab checkout's objects, with an uncommitted edit: a rebuild of v1.37.2.
    tree = mkdtempSync(join(tmpdir(), 'kindlab-upgrade-tree-'));
    execFileSync('git', ['clone', '-q', '--shared', labNode!.kubeRoot, tree]);
    const file = join(tree, 'pkg/kubelet/kubelet.go');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n// kindlab-upgrade-test: a rebuild of the release\n`);
  });
  afterAll(() => {
    spawnSync(realKind, ['delete', 'cluster', '--name', name, '--kubeconfig', join(tierHome, 'scratch-kubeconfig')], { stdio: 'ignore' });
    rmSync(join(tierHome, 'clusters', name), { recursive: true, force: true });
    if (tree) rmSync(tree, { recursive: true, force: true });
  });

  it('--dry-run prints the build and every kubeadm command for both nodes, and changes nothing', () => {
    const before = leftovers();
    const r = kindlabLong(['upgrade', '--cluster', name, '--to', 'HEAD', '--kube-root', tree, '--base-image', labNode!.baseImage, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    const version = /→ (v1\.37\.2-dirty-[0-9a-f]{8}) \(rebuild upgrade/.exec(r.stdout)?.[1];
    expect(version, r.stdout).toBeDefined();
    expect(r.stdout).toContain('go build');
    expect(r.stdout).toContain(`docker exec ${name}-control-plane kubeadm upgrade apply ${version} --yes --allow-experimental-upgrades --force --ignore-preflight-errors=SystemVerification`);
    expect(r.stdout).toContain(`docker exec ${name}-worker kubeadm upgrade node --ignore-preflight-errors=SystemVerification`);
    expect(r.stdout).toContain(`docker cp`);
    expect(r.stdout).toContain('dry run: nothing was built or changed');
    expect(leftovers()).toMatchObject({ worktrees: before.worktrees, builds: before.builds, containers: before.containers });
    expect(docker('exec', `${name}-control-plane`, 'kubeadm', 'version', '-o', 'short')).toBe(labNode!.version);
    const rec = JSON.parse(readFileSync(join(tierHome, 'clusters', name, 'cluster.json'), 'utf8')) as { upgrading?: unknown; upgrades?: unknown };
    expect(rec.upgrading).toBeUndefined();
    expect(rec.upgrades).toBeUndefined();
  });

  it('refuses the version the cluster runs, reading it from the API server, and builds nothing', () => {
    const before = leftovers();
    const r = kindlabLong(['upgrade', '--cluster', name, '--to', labNode!.version, '--kube-root', labNode!.kubeRoot, '--base-image', labNode!.baseImage]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`the cluster already runs ${labNode!.version}`);
    expect(leftovers()).toMatchObject({ worktrees: before.worktrees, builds: before.builds, containers: before.containers });
    const rec = JSON.parse(readFileSync(join(tierHome, 'clusters', name, 'cluster.json'), 'utf8')) as { upgrading?: unknown; upgrades?: unknown };
    expect(rec.upgrading).toBeUndefined();
    expect(rec.upgrades).toBeUndefined();
  });

  it('test --upgrade-to on the local provider stops before anything is created, naming why', () => {
    const r = kindlabLong(['test', '--provider', 'local', '--upgrade-to', labNode!.version, '--kube-root', labNode!.kubeRoot, 'create-token']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--upgrade-to: cluster \S+ is planned on the local provider, which cannot upgrade a running cluster/);
  });
});

describe.runIf(!whyNotReady && inTier(FROM))(`upgrade ${FROM} → the lab release on kind (full tier)`, () => {
  let older: { image: string; kubeRoot: string };
  beforeAll(() => {
    older = olderNodeImage();
  });

  it('runs the scenarios before and after kubeadm upgrades both nodes; the token made before still authenticates', () => {
    const lab = labNode!;
    const before = leftovers();
    const json = join(tierHome, `upgrade-${process.pid}.json`);
    const r = kindlabLong(['test', '--provider', 'kind', '--image', older.image, '--upgrade-to', lab.version, '--kube-root', lab.kubeRoot, '--base-image', lab.baseImage, '--upgrade-images', lab.imagesDir, 'create-token', 'grpc-probe', 'cronjob-timezone', '--json', json]);
    expect(r.code, r.stdout + r.stderr.slice(-4000)).toBe(0);
    expect(r.stdout).toMatch(/SCENARIO\s+CLUSTER\s+BEFORE UPGRADE\s+AFTER UPGRADE\s+ACROSS UPGRADE/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    rmSync(json, { force: true });
    const cluster = report.clusters[0]!;
    expect(cluster.version).toBe(FROM);
    expect(cluster.upgrade).toMatchObject({ from: FROM, to: lab.version });
    expect(cluster.upgrade!.error).toBeUndefined();
    // kubeadm's apply on the control plane, `upgrade node` on the worker, both kubelets at the new version
    const steps = cluster.upgrade!.steps.map((s) => `${s.step}@${s.where.replace(cluster.name, '')}`);
    expect(steps).toEqual(expect.arrayContaining(['kubeadm upgrade apply@-control-plane', 'kubeadm upgrade node@-worker', `kubelet ${lab.version}@-control-plane`, `kubelet ${lab.version}@-worker`]));
    const phase = (id: string, p: string) => report.results.find((x) => x.id === id && x.phase === p);
    for (const id of ['create-token', 'grpc-probe', 'cronjob-timezone']) {
      expect(phase(id, 'before-upgrade')?.status, id).toBe('passed');
      expect(phase(id, 'after-upgrade')?.status, id).toBe('passed');
    }
    const across = phase('create-token', 'across-upgrade')!;
    expect(across.status, across.message).toBe('passed');
    expect(across.steps.map((s) => s.name)).toContain('the token made before the upgrade authenticates as its ServiceAccount');
    const cron = phase('cronjob-timezone', 'across-upgrade')!;
    expect(cron.status, cron.message).toBe('passed');
    expect(cron.steps.map((s) => s.name).join('\n')).toMatch(/the CronJob made before the upgrade still reads its schedule in Asia\/Kolkata/);
    expect(report.results.find((x) => x.id === 'grpc-probe' && x.phase === 'across-upgrade')).toBeUndefined();
    const after = leftovers();
    expect(after.containers).toEqual(before.containers);
    expect(worktrees(after)).toEqual(worktrees(before));
  });

  it('Ctrl-C during kubeadm upgrade apply leaves a cluster ls calls upgrade-interrupted and down removes', async () => {
    const lab = labNode!;
    const name = `upint-${process.pid.toString(36)}`;
    const before = leftovers();
    const up = kindlabLong(['up', '--name', name, '--image', older.image, '--workers', '1', '--wait', '180s']);
    expect(up.code, up.stderr.slice(-3000)).toBe(0);
    try {
      const child = spawn(process.execPath, [kindlabBin, 'upgrade', '--cluster', name, '--to', lab.version, '--kube-root', lab.kubeRoot, '--base-image', lab.baseImage, '--images', lab.imagesDir], { env: { ...process.env, NO_COLOR: '1', ...env() } });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      await new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`kubeadm upgrade apply never started:\n${stderr.slice(-3000)}`)), 20 * 60_000);
        const check = setInterval(() => {
          if (/▸ kubeadm upgrade apply on/.test(stderr)) {
            clearTimeout(t);
            clearInterval(check);
            setTimeout(res, 5_000);
          }
        }, 250);
      });
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      const ls = kindlabLong(['ls', '-o', 'json']);
      const row = (JSON.parse(ls.stdout) as { clusters: Array<{ name: string; observed: string; note?: string }> }).clusters.find((c) => c.name === name)!;
      expect(row.observed).toBe('upgrade-interrupted');
      expect(row.note).toMatch(new RegExp(`died upgrading ${FROM.replace(/\./g, '\\.')} → ${lab.version.replace(/\./g, '\\.')}: done: .*kubeadm ${lab.version.replace(/\./g, '\\.')} into`));
      expect(row.note).toContain('kubeadm upgrade apply on');
    } finally {
      const down = kindlabLong(['down', name]);
      expect(down.code, down.stderr).toBe(0);
    }
    expect(docker('ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${name}`, '-q')).toBe('');
    const after = leftovers();
    expect(after.containers).toEqual(before.containers);
    expect(worktrees(after)).toEqual(worktrees(before));
  });
});
