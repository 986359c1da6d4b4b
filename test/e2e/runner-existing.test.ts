// The runner and planner against a real API server treated as an *existing* cluster (any
// kubeconfig): version and feature gates are read from /version and the API server's
// kubernetes_feature_enabled metric, misfits are skipped with the reason; every context helper is
// used once; tokens never reach output, reports or artifacts; and `kindlab test --provider local`
// cleans up its cluster on Ctrl-C. Real etcd + kube-apiserver + kube-controller-manager from
// `npm run lab` (skips with the reason when the binaries are absent).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabBinDir } from '../../src/cluster/local/provider.js';
import { kindlab, kindlabBin, repoRoot } from '../helpers/env.js';
import { unavailable } from '../helpers/unavailable.js';

const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
const fixtures = join(repoRoot, 'test/fixtures/scenarios');
const why = !binDir ? 'no lab binaries (npm run lab, or KINDLAB_LAB_BIN)' : !existsSync(kindlabBin) ? 'bin/kindlab.js missing (npm run build)' : '';

/** Every file under a folder, recursively, as text. */
function allText(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .map((f) => join(dir, f))
    .map((p) => (statSync(p).isDirectory() ? allText(p) : readFileSync(p, 'utf8')))
    .join('\n');
}

if (why) unavailable('runner against an existing cluster (real API server)', why);
describe.skipIf(why !== '')(`runner against an existing cluster (real API server)${why ? ` — skipped: ${why}` : ''}`, () => {
  const home = mkdtempSync(join(tmpdir(), 'kl-e2e-existing-'));
  // KINDLAB_KUBECTL: the lab's kubectl, not whatever is on PATH.
  const env = { KINDLAB_HOME: home, CI: 'true', KINDLAB_KUBECTL: join(binDir ?? '', 'kubectl') };
  const kubeconfig = join(home, 'clusters/ex/kubeconfig');
  const kubectl = (args: string[]): string => spawnSync(join(binDir!, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' }).stdout;

  beforeAll(() => {
    // A gate switched off that 1.37 has on by default: the runner must read it from the cluster.
    const up = kindlab(['up', '--provider', 'local', '--name', 'ex', '--bin-dir', binDir!, '--feature-gates', 'MaxUnavailableStatefulSet=false'], env);
    if (up.code !== 0) throw new Error(`kindlab up failed:\n${up.stderr}`);
  });
  afterAll(() => {
    kindlab(['down', 'ex'], env);
    rmSync(home, { recursive: true, force: true });
  });

  it('reads version and gates, skips misfits with the reason, runs the rest; redacts tokens; reports', () => {
    const json = join(home, 'r.json');
    const junit = join(home, 'j.xml');
    const artifacts = join(home, 'art');
    const r = kindlab(
      ['run', '--kubeconfig', kubeconfig, '--scenarios-dir', fixtures, '--no-builtin', 'context-tour', 'leaks-token', 'wait-times-out', 'needs-*', '--json', json, '--junit', junit, '--artifacts', artifacts],
      env,
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const byId = Object.fromEntries(report.results.map((x: { id: string }) => [x.id, x]));

    // Gates as the cluster reports them (kubernetes_feature_enabled), not as the table defaults.
    expect(byId['needs-gate-on']).toMatchObject({ status: 'skipped', message: expect.stringMatching(/needs feature gate MaxUnavailableStatefulSet=true; the cluster has it off/) });
    expect(byId['needs-locked-off']).toMatchObject({ status: 'skipped', message: expect.stringMatching(/SidecarContainers is GA and locked on in 1\.37/) });

    // Every context helper against the real server; cleanups in reverse order.
    expect(byId['context-tour'].status, byId['context-tour'].message).toBe('passed');
    expect(byId['context-tour'].steps.map((s: { name: string }) => s.name)).toEqual([
      'cluster info',
      'apply twice (server-side apply is idempotent)',
      'waitFor and eventually',
      'kubectl sees the object',
      'a cluster-scoped object is tracked',
      'API errors carry the server message',
    ]);
    expect(byId['context-tour'].logs).toContain('cleanup order: second registered > first registered');
    // The tracked ClusterRole went with the run; the namespace is labelled and on its way out.
    expect(kubectl(['get', 'clusterroles', '-o', 'name'])).not.toMatch(/-tour\b/);
    const ns = kubectl(['get', 'ns', '-l', `kindlab.io/run=${report.runId},kindlab.io/scenario=context-tour`, '-o', 'jsonpath={.items[*].status.phase}']);
    expect(ns.trim()).toMatch(/^(Terminating)?$/);

    // waitFor's timeout shows the last state seen.
    expect(byId['wait-times-out']).toMatchObject({ status: 'failed', failedStep: 'wait for Ready' });
    expect(byId['wait-times-out'].message).toMatch(/timed out after 2s waiting for ConfigMap kl-wait-times-out-\w+\/w\nlast state seen:\n[\s\S]*phase: Pending/);

    // A real ServiceAccount token, logged and thrown: redacted everywhere.
    expect(byId['leaks-token']).toMatchObject({ status: 'failed', failedStep: 'fail with it', message: 'Authorization: Bearer [REDACTED-TOKEN]' });
    expect(byId['leaks-token'].logs.join('\n')).toMatch(/the token is \[REDACTED-TOKEN\]/);
    for (const [where, text] of [
      ['stdout', r.stdout],
      ['stderr', r.stderr],
      ['json', readFileSync(json, 'utf8')],
      ['junit', readFileSync(junit, 'utf8')],
      ['artifacts', allText(artifacts)],
      ['run folder', allText(join(home, 'runs'))],
    ]) {
      expect(text, `a token leaked into ${where}`).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\./);
    }

    // Artifacts for the two failures, with the objects they created.
    expect(readdirSync(artifacts).sort()).toEqual(['leaks-token', 'wait-times-out']);
    expect(readFileSync(join(artifacts, 'leaks-token', 'objects.yaml'), 'utf8')).toMatch(/kind: ServiceAccount[\s\S]*name: leaky/);
    // Objects the scenario made without ctx (kubectl) are dumped too; Secrets never are.
    const waited = readFileSync(join(artifacts, 'wait-times-out', 'objects.yaml'), 'utf8');
    expect(waited).toMatch(/name: w\n/);
    expect(waited).toMatch(/name: by-kubectl\n/);
    expect(waited).not.toMatch(/kind: Secret/);

    // JUnit: one suite, skips with messages, failures with the step in the message.
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
    const suite = doc.testsuites.testsuite;
    expect(suite).toMatchObject({ tests: '5', failures: '2', skipped: '2' });
    const cases = Object.fromEntries((suite.testcase as Array<{ name: string }>).map((c) => [c.name, c]));
    expect(cases['needs-gate-on']).toMatchObject({ skipped: { message: expect.stringMatching(/the cluster has it off/) } });
    expect(cases['wait-times-out']).toMatchObject({ failure: { type: 'ScenarioFailure', message: expect.stringMatching(/^step "wait for Ready": timed out after 2s/) } });
  }, 180_000);

  it('plan --kubeconfig shows the same skips without running anything', () => {
    const r = kindlab(['plan', '--kubeconfig', kubeconfig, '--scenarios-dir', fixtures, '--no-builtin', 'needs-*', 'context-tour', '-o', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.clusters).toMatchObject([{ name: 'existing', provider: 'existing', scenarios: ['context-tour'] }]);
    expect(p.skips.map((s: { id: string }) => s.id).sort()).toEqual(['needs-gate-on', 'needs-locked-off']);
  }, 60_000);

  it('kindlab test --provider local: Ctrl-C mid-run deletes the cluster it created and exits 130', async () => {
    const testHome = mkdtempSync(join(tmpdir(), 'kl-e2e-test-int-'));
    const junit = join(testHome, 'j.xml');
    const child = spawn(process.execPath, [kindlabBin, 'test', '--provider', 'local', '--bin-dir', binDir!, '--scenarios-dir', fixtures, '--no-builtin', 'hangs-long', '--junit', junit], {
      env: { ...process.env, NO_COLOR: '1', CI: 'true', KINDLAB_HOME: testHome },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 150_000;
    while (!/› (\S+: )?sleep/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(out, 'the scenario never reached its sleep step').toMatch(/› (\S+: )?sleep/);
    const clusters = readdirSync(join(testHome, 'clusters'));
    expect(clusters).toHaveLength(1);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, out).toBe(130);
    expect(out).toMatch(/✓ down kl-\w+-1/);
    // Interrupted is not failed: its own status in the summary, the JSON and the JUnit (<error>).
    expect(out).toMatch(/hangs-long\s+kl-\w+-1\s+INTERRUPTED\s+\S+\s+\[sleep\] interrupted/);
    expect(out).toMatch(/0 passed, 0 failed, 0 skipped, 1 interrupted in/);
    const runId = readdirSync(join(testHome, 'runs'))[0]!;
    expect(JSON.parse(readFileSync(join(testHome, 'runs', runId, 'report.json'), 'utf8')).results).toMatchObject([{ id: 'hangs-long', status: 'interrupted', failedStep: 'sleep' }]);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
    expect(doc.testsuites).toMatchObject({ tests: '1', failures: '0', errors: '1' });
    expect(doc.testsuites.testsuite.testcase.error).toMatchObject({ type: 'Interrupted', message: 'step "sleep": interrupted' });
    const ls = kindlab(['ls', '-o', 'json'], { KINDLAB_HOME: testHome });
    expect(JSON.parse(ls.stdout).clusters ?? []).toEqual([]);
    // The control-plane processes are gone: their pids (recorded in state before) no longer exist.
    const pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    const leftovers = pids.filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(testHome);
      } catch {
        return false;
      }
    });
    expect(leftovers).toEqual([]);
    rmSync(testHome, { recursive: true, force: true });
  }, 240_000);
});
