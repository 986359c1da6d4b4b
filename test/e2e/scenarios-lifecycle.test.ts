// A feature's whole life on real control planes (lab binaries of several releases, local provider),
// through the kindlab CLI: a scenario runs where its feature exists, is skipped with the planner's
// reason where it does not, and shows the "feature absent" side when the gate is off. The releases
// are those of this CI tier (.ci/releases); a missing lab build fails the test that needs it.
//
// Negative runs use a throw-away wrapper scenario (written to a temporary --scenarios-dir) that
// re-exports the real one without its `feature` declaration: the planner rightly refuses to run a
// scenario whose gate is off on an existing cluster, and the point here is to watch it fail or take
// its gate-off branch.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { inTier, labBin } from '../helpers/releases.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'kindlab.js');
const home = mkdtempSync(join(tmpdir(), 'kl-e2e-lifecycle-'));
afterAll(async () => {
  for (const name of ['pf-gate-off']) await execa('node', [cli, 'down', name], { reject: false, env: { KINDLAB_HOME: home } });
  rmSync(home, { recursive: true, force: true });
});


interface Result {
  id: string;
  status: string;
  message?: string;
}

async function kindlab(args: string[]): Promise<{ code: number; out: string; results: Result[]; report: string }> {
  const json = join(home, `report-${Math.random().toString(36).slice(2)}.json`);
  const r = await execa('node', [cli, ...args, '--json', json], { reject: false, env: { KINDLAB_HOME: home, NO_COLOR: '1' }, timeout: 600_000 });
  const report = existsSync(json) ? readFileSync(json, 'utf8') : '{"results":[]}';
  const results = (JSON.parse(report) as { results: Result[] }).results;
  return { code: r.exitCode ?? -1, out: `${r.stdout}\n${r.stderr}`.slice(-4000), results, report };
}

const test = (version: string, ids: string[]) =>
  kindlab(['test', '--provider', 'local', '--k8s-version', version, '--bin-dir', labBin(version), ...ids]);

describe('KEP-2593 multi-cluster-cidr: alpha 1.25–1.28, removed in 1.29', () => {
  it('passes on v1.28.15 (gate and networking.k8s.io/v1alpha1 declared)', async () => {
    const r = await test('v1.28.15', ['multi-cluster-cidr']);
    expect(r.results.map((x) => [x.id, x.status]), r.out).toEqual([['multi-cluster-cidr', 'passed']]);
  });

  it('is skipped on v1.37.2 with the removal explained', async () => {
    const r = await test('v1.37.2', ['multi-cluster-cidr']);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]!.status, r.out).toBe('skipped');
    expect(r.results[0]!.message).toMatch(/KEP-2593 .* withdrawn .* 1\.29 removed .*ClusterCIDR API/);
  });
});

describe('KEP-4006 port-forward and KEP-3331 reload on the API server alone', () => {
  for (const version of ['v1.30.14', 'v1.37.2']) {
    // v1.30.14 (alpha, gate set) is in the full tier; v1.37.2 is its fast form in every run.
    it.runIf(inTier(version))(`portforward-websockets and structured-authn-config pass on ${version}`, async () => {
      const r = await test(version, ['portforward-websockets', 'structured-authn-config']);
      expect(Object.fromEntries(r.results.map((x) => [x.id, x.status])), r.out).toEqual({ 'portforward-websockets': 'passed', 'structured-authn-config': 'passed' });
    });
  }

  it('with PortForwardWebsockets off, the WebSocket reaches the kubelet untranslated', async () => {
    const up = await execa('node', [cli, 'up', '--provider', 'local', '--name', 'pf-gate-off', '--bin-dir', labBin('v1.37.2'), '--feature-gates', 'PortForwardWebsockets=false'], {
      reject: false,
      env: { KINDLAB_HOME: home, NO_COLOR: '1' },
    });
    expect(up.exitCode, up.stderr.slice(-2000)).toBe(0);
    const dir = mkdtempSync(join(home, 'wrappers-'));
    writeFileSync(
      join(dir, 'pf-gate-off.ts'),
      `import s from ${JSON.stringify(join(root, 'scenarios', 'portforward-websockets.ts'))};\n` +
        "export default { ...s, id: 'pf-gate-off-probe', requires: { ...s.requires, feature: undefined } };\n",
    );
    const r = await kindlab(['run', '--cluster', 'pf-gate-off', '--scenarios-dir', dir, '--no-builtin', 'pf-gate-off-probe']);
    expect(r.results.map((x) => [x.id, x.status]), r.out).toEqual([['pf-gate-off-probe', 'passed']]);
    expect(r.report).toContain('gate off: the tunnelling offer reaches the kubelet as a plain WebSocket, no 101');
    expect(r.report).toMatch(/WebSocket: HTTP 400 fake kubelet: not an SPDY\/3\.1 upgrade/);
  });
});
