// `up`, `ls` and `down` against a real docker daemon and the real kind binary: failure paths
// (an image that cannot be pulled, a container image that is not a kind node, docker down, kind
// missing, bad configs, a cluster kindlab did not create) and dry runs. The happy path, Ctrl-C
// during a real `kind create cluster` and `ls --prune` run on real kind nodes in test/kind/.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, dockerUp, ensureSubstituteNodeImage, kindAvailable, kindlab, SUBSTITUTE_NODE_IMAGE, tempHome, whyNoDocker, whyNoKind } from '../helpers/env.js';
import { unavailable } from '../helpers/unavailable.js';

const ready = dockerUp && kindAvailable;
const d = describe.skipIf(!ready);
if (!ready) unavailable('cluster lifecycle (integration)', whyNoDocker || whyNoKind);

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
    // A gate that exists and may be set either way in 1.33 (alpha, off): the two sides disagree.
    writeFileSync(conflicting, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nfeatureGates:\n  MaxUnavailableStatefulSet: false\n');
    const r3 = kindlab(['up', '--name', uniq('cfg'), '--config', conflicting, '--feature-gates', 'MaxUnavailableStatefulSet=true', '--k8s-version', 'v1.33.1'], { KINDLAB_HOME: home });
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/feature gate MaxUnavailableStatefulSet: kindlab wants true .*conflict.yaml \(featureGates\) sets false/);
    // A gate that no longer exists is refused before anything else, with when it went.
    const r4 = kindlab(['up', '--name', uniq('cfg'), '--feature-gates', 'CronJobTimeZone=true', '--k8s-version', 'v1.33.1'], { KINDLAB_HOME: home });
    expect(r4.code).toBe(2);
    expect(r4.stderr).toMatch(/CronJobTimeZone went GA in 1.27 and was removed in 1.29/);
    expect(readdirSync(join(home, 'clusters'))).toEqual([]);
  });
});

d('up / down against clusters kindlab did not create, and dry runs (real kind; the happy path, Ctrl-C and --prune are in test/kind/)', () => {
  beforeAll(() => ensureSubstituteNodeImage());
  afterAll(() => {
    for (const n of cleanupNames) for (const c of nodesOf(n)) docker('rm', '-f', c);
  });
  const env = (home: string, extra: Record<string, string> = {}) => ({ KINDLAB_HOME: home, HOME: home, ...extra });

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
