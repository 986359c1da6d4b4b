// Upstream e2e specs through `kindlab test`, on a real kind cluster from the lab's node image
// v1.37.2, with the lab's e2e.test of the same tree, in one report with kindlab's own scenarios for
// the same features. The TLS gRPC probe specs need GRPCContainerProbeTLS (alpha, off by default):
// the plan turns it on from the FeatureGate label of the selected spec (or the label filter that
// names it), and they pass only with the lab's agnhost carrying the certificate its Dockerfile adds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureNodeImage, kindlabLong, labNode, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { fullTier } from '../helpers/releases.js';
import { unavailable } from '../helpers/unavailable.js';

const d = whyNotReady ? describe.skip : describe;
if (whyNotReady) unavailable('upstream specs on real kind nodes', whyNotReady);

interface Result {
  id: string;
  cluster: string;
  status: string;
  message?: string;
  logs: string[];
}

const VAP = 'e2e:\\[sig-api-machinery\\] ValidatingAdmissionPolicy';
const SA = 'e2e:\\[sig-auth\\] ServiceAccounts (should mount projected service account token|should create a serviceAccountToken and ensure a successful TokenReview|no secret-based service account token should be auto-generated)';
const TLS = 'e2e:label=FeatureGate:GRPCContainerProbeTLS';
// Three gRPC liveness specs in one selector: both Conformance specs, and one TLS spec whose
// FeatureGate label (read from the binary's spec list, not the selector) must turn
// GRPCContainerProbeTLS on. The "*not* restarted" one watches its pod for 4 minutes, so they run in
// two ginkgo processes and the other two finish meanwhile. The whole TLS label (4 specs, ≈ 6.5 min)
// runs in the full tier.
const TLS_SPEC = 'should be restarted with a GRPC liveness probe with TLS mode when endpoint returns not healthy';
const GRPC = 'e2e:Probing container should (\\*not\\* )?be restarted with a GRPC liveness probe( \\[Conformance\\]| with TLS mode when endpoint returns not healthy)';

function runSelection(name: string, selectors: string[]) {
  const image = ensureNodeImage(labNode!);
  const json = join(tierHome, `upstream-${name}.json`);
  const r = kindlabLong(['test', '--provider', 'kind', '--image', image, '--json', json, ...selectors]);
  expect(existsSync(json), `no report: exit ${r.code}\n${r.stderr.slice(-3000)}`).toBe(true);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { results: Result[] };
  const table = report.results.map((x) => `${x.id.slice(0, 60).padEnd(60)} ${x.status.padEnd(8)} ${x.message ?? ''}`).join('\n');
  console.log(table);
  const specLines = (id: string) => report.results.find((x) => x.id === id)!.logs.filter((l) => /^[✓✗-] /.test(l));
  return { r, report, table, specLines };
}

d('upstream specs beside kindlab scenarios on a real kind cluster', () => {
  it('passes both gRPC liveness Conformance specs and a GRPCContainerProbeTLS spec, ValidatingAdmissionPolicy, ServiceAccounts and the matching kindlab scenarios', () => {
    const { r, report, table, specLines } = runSelection('default', ['grpc-probe', 'create-token', 'validating-admission-policy', GRPC, VAP, SA]);
    expect(Object.fromEntries(report.results.map((x) => [x.id, x.status])), `${table}\n${r.stderr.slice(-3000)}`).toEqual({
      'grpc-probe': 'passed',
      'create-token': 'passed',
      'validating-admission-policy': 'passed',
      [GRPC]: 'passed',
      [VAP]: 'passed',
      [SA]: 'passed',
    });
    // every selected spec ran and passed (✓): none failed, none skipped at run time
    expect(specLines(SA)).toHaveLength(3);
    expect(specLines(GRPC).map((l) => l.replace(/ \[[\d.]+s\]$/, '')).sort()).toEqual([
      '✓ [sig-node] Probing container should *not* be restarted with a GRPC liveness probe [Conformance] [NodeConformance]',
      '✓ [sig-node] Probing container should be restarted with a GRPC liveness probe [Conformance] [NodeConformance]',
      expect.stringMatching(new RegExp(`^✓ \\[sig-node\\] Probing container ${TLS_SPEC.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*\\[FeatureGate:GRPCContainerProbeTLS\\]`)),
    ]);
    // three specs: two ginkgo processes of the same tree (the run's command line is in the log)
    expect(report.results.find((x) => x.id === GRPC)!.logs.join('\n')).toMatch(/\/ginkgo --procs=2 /);
    for (const id of [GRPC, VAP, SA]) {
      expect(specLines(id).length, id).toBeGreaterThan(0);
      expect(specLines(id).every((l) => l.startsWith('✓ ')), specLines(id).join('\n')).toBe(true);
    }
    // the gate came from the TLS spec's own label: the selector names none
    expect(r.stderr).toMatch(/GRPCContainerProbeTLS/);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
  });

  it.runIf(fullTier)('passes every GRPCContainerProbeTLS spec with the gate its label filter names (full tier)', () => {
    const { r, report, table, specLines } = runSelection('tls', [TLS]);
    expect(report.results.map((x) => [x.id, x.status]), table).toEqual([[TLS, 'passed']]);
    expect(specLines(TLS).length).toBeGreaterThanOrEqual(4);
    expect(specLines(TLS).every((l) => l.startsWith('✓ ') && l.includes('[FeatureGate:GRPCContainerProbeTLS]')), specLines(TLS).join('\n')).toBe(true);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
  });
});
