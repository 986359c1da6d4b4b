// `up`, `ls` and `down` against a real docker daemon and the real kind binary. What kind cannot do
// here (boot a node: no node image exists on this machine) is shown failing for real; the happy
// path of `up` runs `kind create cluster` through the SUBSTITUTE kind (real containers with
// kind's labels), while `kind get clusters` / `kind delete cluster` are the real kind.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerUp, ensureSubstituteNodeImage, kindAvailable, kindlab, kindlabBin, SUBSTITUTE_NODE_IMAGE, substituteKind, tempHome, whyNoDocker, whyNoKind } from '../helpers/env.js';

const ready = dockerUp && kindAvailable;
const d = describe.skipIf(!ready);
if (!ready) describe('cluster lifecycle (integration)', () => it.skip(`skipped: ${whyNoDocker || whyNoKind}`, () => {}));

const nodesOf = (cluster: string): string[] =>
  docker('ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}').split('\n').filter(Boolean);
const cleanupNames: string[] = [];
const uniq = (base: string): string => {
  const n = `${base}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  cleanupNames.push(n);
  return n;
};

d('real kind on this machine: failures are reported and nothing is left behind', () => {
  beforeAll(() => ensureSubstituteNodeImage());
  afterAll(() => {
    for (const n of cleanupNames) for (const c of nodesOf(n)) docker('rm', '-f', c);
  });

  it('reports a node image that cannot be pulled', () => {
    const home = tempHome();
    const name = uniq('pull');
    const r = kindlab(['up', '--name', name, '--k8s-version', 'v1.30.99'], { KINDLAB_HOME: home });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/kind could not create cluster/);
    expect(r.stderr).toMatch(/failed to pull image "kindest\/node:v1.30.99"/);
    expect(r.stderr).toMatch(/hint: the node image is not on this machine/);
    expect(readdirSync(join(home, 'clusters'))).toEqual([]);
    expect(nodesOf(name)).toEqual([]);
  });

  it('reports a node image that does not boot, and kind leaves no node behind', () => {
    const home = tempHome();
    const name = uniq('boot');
    const r = kindlab(['up', '--name', name, '--image', SUBSTITUTE_NODE_IMAGE, '--wait', '20s'], { KINDLAB_HOME: home });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/hint: the node container did not boot/);
    expect(readdirSync(join(home, 'clusters'))).toEqual([]);
    expect(nodesOf(name)).toEqual([]);
  }, 120_000);

  it('explains a docker daemon that is down', () => {
    const home = tempHome();
    const r = kindlab(['up', '--name', uniq('nodocker'), '--k8s-version', 'v1.33.1'], { KINDLAB_HOME: home, DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the Docker daemon is not reachable/);
    expect(r.stderr).toMatch(/hint: start it/);
    expect(readdirSync(join(home, 'clusters'))).toEqual([]);
  });

  it('explains a missing kind', () => {
    const home = tempHome();
    const r = kindlab(['up', '--name', uniq('nokind'), '--k8s-version', 'v1.33.1'], { KINDLAB_HOME: home, KINDLAB_KIND: '/nonexistent/kind' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/kind is not installed/);
    expect(r.stderr).toMatch(/go install sigs.k8s.io\/kind@/);
    expect(readdirSync(join(home, 'clusters'))).toEqual([]);
  });

  it('refuses invalid and conflicting --config files before creating anything', () => {
    const home = tempHome();
    const bad = join(home, 'bad.yaml');
    writeFileSync(bad, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: [\n');
    const r1 = kindlab(['up', '--name', uniq('cfg'), '--config', bad], { KINDLAB_HOME: home });
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--config .*bad.yaml is not valid YAML/);
    const r2 = kindlab(['up', '--name', uniq('cfg'), '--config', join(home, 'missing.yaml')], { KINDLAB_HOME: home });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/cannot read --config .*missing.yaml: no such file/);
    const conflicting = join(home, 'conflict.yaml');
    writeFileSync(conflicting, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nfeatureGates:\n  CronJobTimeZone: false\n');
    const r3 = kindlab(['up', '--name', uniq('cfg'), '--config', conflicting, '--feature-gates', 'CronJobTimeZone=true', '--k8s-version', 'v1.33.1'], { KINDLAB_HOME: home });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/feature gate CronJobTimeZone: kindlab wants true .*conflict.yaml \(featureGates\) sets false/);
    expect(readdirSync(join(home, 'clusters'))).toEqual([]);
  });
});

d('up / ls / down with real containers (substitute kind for create)', () => {
  beforeAll(() => ensureSubstituteNodeImage());
  afterAll(() => {
    for (const n of cleanupNames) for (const c of nodesOf(n)) docker('rm', '-f', c);
  });
  const env = (home: string, extra: Record<string, string> = {}) => ({ KINDLAB_HOME: home, KINDLAB_KIND: substituteKind, HOME: home, ...extra });

  it('creates a cluster: kubeconfig 0600 in kindlab state, rendered config saved, ~/.kube untouched; ls shows it; down deletes it with real kind', () => {
    const home = tempHome();
    const name = uniq('happy');
    const up = kindlab(['up', '--name', name, '--image', SUBSTITUTE_NODE_IMAGE, '--workers', '1', '--feature-gates', 'CronJobTimeZone=true'], env(home));
    expect(up.code, up.stderr).toBe(0);
    const kubeconfig = join(home, 'clusters', name, 'kubeconfig');
    expect(up.stdout).toContain(`export KUBECONFIG=${kubeconfig}`);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(existsSync(join(home, '.kube'))).toBe(false);
    const cfg = YAML.parse(readFileSync(join(home, 'clusters', name, 'kind-config.yaml'), 'utf8'));
    expect(cfg).toMatchObject({ featureGates: { CronJobTimeZone: true }, nodes: [{ role: 'control-plane', image: SUBSTITUTE_NODE_IMAGE }, { role: 'worker' }] });
    expect(nodesOf(name).sort()).toEqual([`${name}-control-plane`, `${name}-worker`]);

    const ls = JSON.parse(kindlab(['ls', '-o', 'json'], env(home)).stdout);
    expect(ls.clusters).toEqual([expect.objectContaining({ name, provider: 'kind', state: 'ready', observed: 'ready', image: SUBSTITUTE_NODE_IMAGE })]);

    const again = kindlab(['up', '--name', name, '--image', SUBSTITUTE_NODE_IMAGE], env(home));
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/a kindlab cluster named ".*" already exists/);

    const down = kindlab(['down', name], env(home));
    expect(down.code, down.stderr).toBe(0);
    expect(nodesOf(name)).toEqual([]);
    expect(existsSync(join(home, 'clusters', name))).toBe(false);
  });

  it('refuses to delete or reuse the name of a kind cluster kindlab did not create', () => {
    const home = tempHome();
    const name = uniq('foreign');
    docker('run', '-d', '--name', `${name}-control-plane`, '--label', `io.x-k8s.kind.cluster=${name}`, '--label', 'io.x-k8s.kind.role=control-plane', SUBSTITUTE_NODE_IMAGE);
    const down = kindlab(['down', name], env(home));
    expect(down.code).toBe(5);
    expect(down.stderr).toMatch(/was not created by kindlab; refusing to delete it/);
    const up = kindlab(['up', '--name', name, '--image', SUBSTITUTE_NODE_IMAGE], env(home));
    expect(up.code).toBe(5);
    expect(up.stderr).toMatch(/already exists and kindlab did not create it/);
    expect(nodesOf(name)).toEqual([`${name}-control-plane`]);
    expect(readdirSync(join(home, 'clusters'))).toEqual([]);
    const unknown = kindlab(['down', 'never-heard-of-it'], env(home));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no kindlab cluster named "never-heard-of-it"/);
  });

  it('shows a cluster deleted by hand as missing and prunes it', () => {
    const home = tempHome();
    const name = uniq('byhand');
    expect(kindlab(['up', '--name', name, '--image', SUBSTITUTE_NODE_IMAGE], env(home)).code).toBe(0);
    for (const c of nodesOf(name)) docker('rm', '-f', c);
    const ls = kindlab(['ls'], env(home));
    expect(ls.stdout).toMatch(new RegExp(`${name}\\s+kind.*missing \\(deleted outside kindlab\\)`));
    expect(ls.stdout).toMatch(/run kindlab ls --prune/);
    const pruned = JSON.parse(kindlab(['ls', '--prune', '-o', 'json'], env(home)).stdout);
    expect(pruned.pruned).toEqual([`cluster ${name}`]);
    expect(readdirSync(join(home, 'clusters'))).toEqual([]);
  });

  it('lets exactly one of two concurrent ups of the same name win', async () => {
    const home = tempHome();
    const name = uniq('race');
    const runUp = () =>
      new Promise<number | null>((resolve) => {
        const c = spawn(process.execPath, [kindlabBin, 'up', '--name', name, '--image', SUBSTITUTE_NODE_IMAGE], {
          env: { ...process.env, ...env(home, { SUBSTITUTE_KIND_SLEEP: '2' }), NO_COLOR: '1' },
          stdio: 'ignore',
        });
        c.on('exit', resolve);
      });
    const codes = await Promise.all([runUp(), runUp()]);
    expect(codes.sort()).toEqual([0, 5]);
    expect(nodesOf(name)).toEqual([`${name}-control-plane`]);
    expect(kindlab(['down', '--all'], env(home)).code).toBe(0);
    expect(nodesOf(name)).toEqual([]);
  });

  it('deletes the half-created cluster on Ctrl-C', async () => {
    const home = tempHome();
    const name = uniq('sigint');
    const child = spawn(process.execPath, [kindlabBin, 'up', '--name', name, '--image', SUBSTITUTE_NODE_IMAGE], {
      env: { ...process.env, ...env(home, { SUBSTITUTE_KIND_SLEEP: '60' }), NO_COLOR: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const started = Date.now();
    while (nodesOf(name).length === 0 && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 200));
    expect(nodesOf(name)).toHaveLength(1);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/cleaning up: deleting half-created cluster/);
    expect(nodesOf(name)).toEqual([]);
    expect(readdirSync(join(home, 'clusters'))).toEqual([]);
  });

  it('prints the rendered config and commands on --dry-run and creates nothing', () => {
    const home = tempHome();
    const name = uniq('dry');
    const r = kindlab(['up', '--name', name, '--k8s-version', 'v1.33.1', '--runtime-config', 'batch/v2alpha1=true', '--workers', '2', '--dry-run'], env(home));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\+ .*kind create cluster --name ${name} --config .*/clusters/${name}/kind-config.yaml --kubeconfig .*/clusters/${name}/kubeconfig --wait 120s`));
    expect(r.stdout).toMatch(/runtimeConfig:\n\s+batch\/v2alpha1: "true"/);
    expect(r.stdout).toContain('image: kindest/node:v1.33.1');
    expect(existsSync(join(home, 'clusters', name))).toBe(false);
    expect(nodesOf(name)).toEqual([]);
  });
});
