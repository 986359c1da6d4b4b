// The runner against a real API server (local provider: etcd + kube-apiserver +
// kube-controller-manager from `npm run lab`): parallelism, per-scenario timeouts, a failure that
// stays alone, cleanup of namespaces and cluster-scoped objects, artifacts, reports, exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabBinDir } from '../../src/cluster/local/provider.js';
import { kindlab, repoRoot } from '../helpers/env.js';
import { unavailable } from '../helpers/unavailable.js';

const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
const home = mkdtempSync(join(tmpdir(), 'kl-e2e-runner-'));
const env = { KINDLAB_HOME: home, CI: 'true' };
const fixtures = join(repoRoot, 'test/fixtures/runner-scenarios');
const kubectl = (args: string[]) => spawnSync(join(binDir!, 'kubectl'), ['--kubeconfig', join(home, 'clusters/rt/kubeconfig'), ...args], { encoding: 'utf8' });

if (!binDir) unavailable('runner against a real API server', 'no lab binaries (npm run lab)');
describe.skipIf(!binDir)('runner against a real API server', () => {
  beforeAll(() => {
    const up = kindlab(['up', '--provider', 'local', '--name', 'rt', '--bin-dir', binDir!], env);
    if (up.code !== 0) throw new Error(up.stderr);
  });
  afterAll(() => {
    kindlab(['down', 'rt'], env);
  });

  it('runs in parallel; a failing and a hung scenario fail alone; cleans up; writes reports and artifacts', () => {
    const junit = join(home, 'junit.xml');
    const json = join(home, 'report.json');
    const artifacts = join(home, 'artifacts');
    const started = Date.now();
    const html = join(home, 'html', 'report.html');
    const r = kindlab(['run', '--cluster', 'rt', '--scenarios-dir', fixtures, '--no-builtin', '--parallel', '5', '--junit', junit, '--json', json, '--html', html, '--artifacts', artifacts], env);
    const wall = Date.now() - started;
    expect(r.code, r.stderr + r.stdout).toBe(1);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const byId = Object.fromEntries(report.results.map((x: { id: string }) => [x.id, x]));
    expect(byId['passes-slowly'].status).toBe('passed');
    expect(byId['fails-assertion']).toMatchObject({ status: 'failed', failedStep: 'compare' });
    expect(byId['fails-assertion'].message).toMatch(/the sidecar is there\n.*spec.containers\[0\]: no element matches/);
    expect(byId.hangs).toMatchObject({ status: 'failed', timedOut: true, failedStep: 'wait for something that never happens' });
    expect(byId.hangs.message).toMatch(/timed out after 3s/);
    expect(byId.skips).toMatchObject({ status: 'skipped', message: 'the host lacks what this needs' });
    expect(byId['old-only']).toMatchObject({ status: 'skipped', message: expect.stringMatching(/needs Kubernetes <1.21; the target is v1\.\d+/) });
    // Parallel: the 3 s scenario and the 3 s timeout overlap instead of adding up.
    expect(wall).toBeLessThan(25_000);

    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
    expect(doc.testsuites).toMatchObject({ tests: '5', failures: '2', skipped: '2' });

    // Artifacts only for failures: events, objects, result, node list.
    expect(readdirSync(artifacts).sort()).toEqual(['fails-assertion', 'hangs']);
    const files = readdirSync(join(artifacts, 'fails-assertion'));
    expect(files).toEqual(expect.arrayContaining(['result.yaml', 'objects.yaml', 'events.txt', 'nodes.yaml']));
    expect(readFileSync(join(artifacts, 'fails-assertion', 'objects.yaml'), 'utf8')).toMatch(/kind: Pod[\s\S]*name: p\n/);

    // The HTML report the run wrote (read in a browser by test/integration/html-report.browser.test.ts
    // and test/e2e/matrix.test.ts): the failure's step and message, links to its artifact files
    // relative to the report, the skip reason.
    expect(r.stdout).toContain(`html report: ${html}`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('fails-assertion');
    expect(page).toContain('compare');
    expect(page).toContain('href="../artifacts/fails-assertion/objects.yaml"');
    expect(page).toContain('the host lacks what this needs');

    // Cleanup: no scenario namespace left (terminating is fine), no fixture ClusterRole left.
    const ns = kubectl(['get', 'ns', '-l', `kindlab.io/run=${report.runId}`, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.phase}{"\\n"}{end}']);
    for (const line of ns.stdout.split('\n').filter(Boolean)) expect(line).toMatch(/=Terminating$/);
    expect(kubectl(['get', 'clusterroles', '-o', 'name']).stdout).not.toMatch(/-fixture/);
  }, 120_000);

  it('--keep leaves the namespace; --list needs no cluster; bad scenario files are clear errors', () => {
    const r = kindlab(['run', '--cluster', 'rt', '--scenarios-dir', fixtures, '--no-builtin', 'passes-slowly', '--keep', '--json', join(home, 'keep.json')], env);
    expect(r.code, r.stderr).toBe(0);
    const runId = JSON.parse(readFileSync(join(home, 'keep.json'), 'utf8')).runId;
    expect(kubectl(['get', 'ns', '-l', `kindlab.io/run=${runId}`, '-o', 'name']).stdout).toMatch(/namespace\/kl-passes-slowly-/);

    const list = kindlab(['run', '--list', '--scenarios-dir', fixtures, '--no-builtin'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/hangs\s+-\s+any\s+api\s+hangs forever/);

    const broken = kindlab(['run', '--list', '--scenarios-dir', join(repoRoot, 'test/fixtures/bad-scenarios'), '--no-builtin'], env);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken.ts does not compile or fails to load/);
    const empty = kindlab(['run', '--list', '--scenarios-dir', join(repoRoot, 'test/fixtures/bad-scenarios-2'), '--no-builtin'], env);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no-export.ts does not export a scenario/);
    const nosel = kindlab(['run', '--cluster', 'rt', 'no-such-scenario'], env);
    expect(nosel.code).toBe(2);
    expect(nosel.stderr).toMatch(/selector "no-such-scenario" matches no scenario/);
  }, 120_000);

  it('writes a scenario template that loads and passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-new-'));
    expect(kindlab(['new', 'scenario', 'my-feature', '--dir', dir], env).code).toBe(0);
    expect(kindlab(['new', 'scenario', 'my-feature', '--dir', dir], env).code).toBe(5);
    const r = kindlab(['run', '--cluster', 'rt', '--scenarios-dir', dir, '--no-builtin'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/my-feature\s+rt\s+PASSED/);
    expect(existsSync(join(dir, 'my-feature.ts'))).toBe(true);
  }, 120_000);
});
