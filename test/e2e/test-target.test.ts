// `kindlab test` with two providers, for real: the local provider (lab binaries, v1.37.2) for the
// API-level fixture and the real kind binary + docker daemon for the fixture that needs a node.
//  - one target version: a binaries run gives its kind cluster a node image of exactly that
//    version (a kindlab-built one from the state store), and none is an error before anything is
//    created; --image of another version is an explicit two-version run, shown as such;
//  - a cluster that does not come up (kind cannot pull the image / the image cannot boot) errors
//    its own scenarios; the run goes on, reports the passed scenario too, exits 1; --fail-fast stops.
// Skips with the reason when the lab binaries, docker or kind are missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabBinDir } from '../../src/cluster/local/provider.js';
import { docker, ensureSubstituteNodeImage, kindlab, repoRoot, SUBSTITUTE_NODE_IMAGE, whyNoDocker, whyNoKind } from '../helpers/env.js';

const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
const labVersion: string = (binDir ? /v\d+\.\d+\.\d+\S*/.exec(execFileSync(join(binDir, 'kube-apiserver'), ['--version'], { encoding: 'utf8' }))?.[0] : undefined) ?? '';
const why = !binDir ? 'no lab binaries (npm run lab, or KINDLAB_LAB_BIN)' : whyNoDocker || whyNoKind;
const fixtures = join(repoRoot, 'test/fixtures/two-clusters');
const select = ['--scenarios-dir', fixtures, '--no-builtin'];
// A tag no registry can serve (nothing can be pulled here), of another minor than the lab's.
const ABSENT = `kindlab-e2e/node:v1.36.0-absent-${process.pid}`;
const BUILT = `kindlab-e2e/node:${labVersion}-${process.pid}`;
// The "no image" case needs kind's published image of the lab version to be absent from docker.
const kindestPresent = why === '' && spawnSync('docker', ['image', 'inspect', `kindest/node:${labVersion}`]).status === 0;

const homes: string[] = [];
function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'kl-e2e-target-'));
  homes.push(h);
  return h;
}
const envOf = (h: string) => ({ KINDLAB_HOME: h, CI: 'true', KINDLAB_KUBECTL: join(binDir ?? '', 'kubectl') });
const kindNodes = (prefix: string): string[] =>
  docker('ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Names}}')
    .split('\n')
    .filter((n) => n.startsWith(prefix));
/** Processes whose command line mentions the home (local provider components). */
function processesOf(h: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(h);
      } catch {
        return false;
      }
    });
}
const clustersIn = (h: string): string[] => (existsSync(join(h, 'clusters')) ? readdirSync(join(h, 'clusters')).filter((n) => !n.startsWith('.')) : []);
function nothingLeft(h: string, runId: string): void {
  expect(clustersIn(h)).toEqual([]);
  expect(kindNodes(`kl-${runId}`)).toEqual([]);
  expect(processesOf(h)).toEqual([]);
}

describe.skipIf(why !== '')(`kindlab test: one target version, and a cluster that fails does not discard the run${why ? ` — skipped: ${why}` : ''}`, () => {
  beforeAll(() => {
    ensureSubstituteNodeImage();
    // Stands in for a node image kindlab built of the lab's version: real image, real kind; it
    // cannot boot (busybox), which is the "cluster fails to come up" case.
    docker('tag', SUBSTITUTE_NODE_IMAGE, BUILT);
    expect(spawnSync('docker', ['image', 'inspect', ABSENT]).status).not.toBe(0);
  });
  afterAll(() => {
    spawnSync('docker', ['image', 'rm', BUILT]);
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  it.skipIf(kindestPresent)(`no node image of the target version: plan says so, test stops before creating anything (exit 3)${kindestPresent ? ` — skipped: kindest/node:${labVersion} is in docker` : ''}`, () => {
    const h = home();
    const plan = kindlab(['plan', ...select, '-o', 'json'], envOf(h));
    expect(plan.code, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout);
    expect(p.target.description).toBe(`${labVersion} (binaries in ${binDir})`);
    expect(p.clusters).toMatchObject([
      { provider: 'kind', scenarios: ['a-node-probe'], version: labVersion, image: null, imageError: expect.stringMatching(new RegExp(`needs a node image of ${labVersion}: none was built by kindlab and kindest/node:${labVersion} is not present`)) },
      { provider: 'local', scenarios: ['b-api-passes'], version: labVersion },
    ]);
    expect(p.clusters[0].config).not.toMatch(/image:/);
    const text = kindlab(['plan', ...select], envOf(h));
    expect(text.stdout).toMatch(new RegExp(`cluster kindlab-1 \\(kind, ${labVersion}\\): a-node-probe\\n  image: none of ${labVersion} — `));
    expect(text.stdout).toMatch(/kindlab test would stop before creating any cluster/);

    const r = kindlab(['test', ...select, '--json', join(h, 'r.json')], envOf(h));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`error: the kind cluster kl-(\\w+)-1 \\(for a-node-probe\\) needs a node image of ${labVersion}: none was built by kindlab and kindest/node:${labVersion} is not present`));
    expect(r.stderr).toMatch(new RegExp(`hint: build one with \`kindlab build ${labVersion} --kube-root <checkout>\`, or pass --image, or --provider local to run only the API-level scenarios`));
    expect(r.stderr).not.toMatch(/▸ up/);
    const runId = /run (\w+):/.exec(r.stderr)![1]!;
    expect(clustersIn(h)).toEqual([]);
    expect(kindNodes(`kl-${runId}`)).toEqual([]);
    expect(processesOf(h)).toEqual([]);
  }, 120_000);

  it('a kindlab-built image of exactly the target version is used; it cannot boot: the kind scenario is errored, the local one passed, exit 1', () => {
    const h = home();
    mkdirSync(join(h, 'images'), { recursive: true });
    const commit = 'e2e0000000000000000000000000000000000000';
    writeFileSync(join(h, 'images', `node-image-${commit}.json`), JSON.stringify({ kind: 'node-image', tag: BUILT, commit, describe: labVersion, kubeRoot: '/nonexistent', builtAt: new Date().toISOString(), buildSeconds: 1 }));

    const plan = JSON.parse(kindlab(['plan', ...select, '-o', 'json'], envOf(h)).stdout);
    expect(plan.clusters[0]).toMatchObject({ provider: 'kind', image: BUILT, imageSource: `built by kindlab from e2e000000000 (${labVersion})` });
    expect(plan.clusters[0].config).toContain(`image: ${BUILT}`);

    const json = join(h, 'r.json');
    const junit = join(h, 'j.xml');
    const r = kindlab(['test', ...select, '--json', json, '--junit', junit], envOf(h));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`run \\w+: target ${labVersion.replace(/\./g, '\\.')} \\(binaries in .*\\); 2 cluster\\(s\\)`));
    expect(r.stderr).toContain(`kind clusters: image ${BUILT} (built by kindlab from e2e000000000 (${labVersion}))`);
    // The kind cluster fails first; the run goes on with the local one.
    expect(r.stderr).toMatch(/✗ up kind cluster kl-\w+-1[\s\S]*hint: the node container did not boot[\s\S]*✓ up local cluster kl-\w+-2[\s\S]*✓ down kl-\w+-2/);
    expect(r.stdout).toMatch(/a-node-probe\s+kl-\w+-1\s+ERRORED\s+\S+\s+cluster kl-\w+-1 \(kind\) did not come up: kind could not create cluster "kl-\w+-1": could not find a log line/);
    expect(r.stdout).toMatch(/b-api-passes\s+kl-\w+-2\s+PASSED/);
    expect(r.stdout).toMatch(/1 passed, 0 failed, 1 errored, 0 skipped in/);

    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.clusters).toMatchObject([
      { name: expect.stringMatching(/-1$/), provider: 'kind', version: labVersion, image: BUILT, error: expect.stringMatching(/^kind could not create cluster[\s\S]*full log: [\s\S]*hint: the node container did not boot/) },
      { name: expect.stringMatching(/-2$/), provider: 'local', version: labVersion },
    ]);
    const byId = Object.fromEntries(report.results.map((x: { id: string }) => [x.id, x]));
    expect(byId['b-api-passes'].status).toBe('passed');
    expect(byId['a-node-probe']).toMatchObject({ status: 'errored', message: expect.stringMatching(/^cluster kl-\w+-1 \(kind\) did not come up: kind could not create cluster/) });

    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
    expect(doc.testsuites).toMatchObject({ tests: '2', failures: '0', errors: '1', skipped: '0' });
    const cases = [doc.testsuites.testsuite].flat().flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as Array<Record<string, { type: string; message: string }>>;
    const errored = cases.find((c) => (c as unknown as { name: string }).name === 'a-node-probe')!;
    expect(errored.failure).toBeUndefined();
    expect(errored.error).toMatchObject({ type: 'Error', message: expect.stringMatching(/did not come up/) });
    nothingLeft(h, report.runId);
  }, 240_000);

  it('--fail-fast: the first cluster fails, no further cluster is created, its scenarios are skipped; exit 1', () => {
    const h = home();
    mkdirSync(join(h, 'images'), { recursive: true });
    const commit = 'e2e1111111111111111111111111111111111111';
    writeFileSync(join(h, 'images', `node-image-${commit}.json`), JSON.stringify({ kind: 'node-image', tag: BUILT, commit, describe: labVersion, kubeRoot: '/nonexistent', builtAt: new Date().toISOString(), buildSeconds: 1 }));
    const json = join(h, 'r.json');
    const r = kindlab(['test', ...select, '--fail-fast', '--json', json], envOf(h));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/up local cluster/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const byId = Object.fromEntries(report.results.map((x: { id: string }) => [x.id, x]));
    expect(byId['a-node-probe'].status).toBe('errored');
    expect(byId['b-api-passes']).toMatchObject({ status: 'skipped', message: expect.stringMatching(/^not run: --fail-fast stopped the run after cluster kl-\w+-1 did not come up/) });
    nothingLeft(h, report.runId);
  }, 240_000);

  it('--image of another version beside the lab binaries: an explicit two-version run, shown; kind cannot pull it: errored, the local scenario passed, exit 1', () => {
    const h = home();
    const plan = kindlab(['plan', ...select, '--image', ABSENT], envOf(h));
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`target: local: ${labVersion} (binaries in ${binDir}), kind: v1.36.0 (image ${ABSENT})`);
    expect(plan.stdout).toMatch(new RegExp(`cluster kindlab-1 \\(local, ${labVersion}\\): b-api-passes`));
    expect(plan.stdout).toMatch(/cluster kindlab-2 \(kind, v1.36.0\): a-node-probe\n  image: kindlab-e2e\/node:v1.36.0-absent-\d+ \(--image\)/);

    const json = join(h, 'r.json');
    const r = kindlab(['test', ...select, '--image', ABSENT, '--json', json], envOf(h));
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`run \\w+: targets local: ${labVersion} \\(binaries in .*\\), kind: v1\\.36\\.0 \\(image ${ABSENT}\\)`));
    // The issue's order: the local cluster passes its scenario, then the kind cluster fails.
    expect(r.stderr).toMatch(/✓ up local cluster kl-\w+-1[\s\S]*✓ down kl-\w+-1[\s\S]*✗ up kind cluster kl-\w+-2[\s\S]*failed to pull image/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.clusters).toMatchObject([
      { provider: 'local', version: labVersion },
      { provider: 'kind', version: 'v1.36.0', image: ABSENT, error: expect.stringMatching(/failed to pull image/) },
    ]);
    const byId = Object.fromEntries(report.results.map((x: { id: string }) => [x.id, x]));
    expect(byId['b-api-passes'].status).toBe('passed');
    expect(byId['a-node-probe']).toMatchObject({ status: 'errored', message: expect.stringMatching(/did not come up: kind could not create cluster "kl-\w+-2": failed to pull image/) });
    expect(r.stdout).toMatch(/1 passed, 0 failed, 1 errored, 0 skipped in/);
    nothingLeft(h, report.runId);

    // --k8s-version of another version: not an explicit choice for the local provider.
    const k = kindlab(['plan', ...select, '--k8s-version', 'v1.36.0', '-o', 'json'], envOf(h));
    const kp = JSON.parse(k.stdout);
    expect(kp.target.providers.local).toBe(`the local binaries are ${labVersion}, not the target v1.36.0 (pass --bin-dir to use binaries of another version anyway)`);
    expect(kp.clusters.map((c: { provider: string; version: string }) => [c.provider, c.version])).toEqual([['kind', 'v1.36.0']]);
  }, 240_000);
});
