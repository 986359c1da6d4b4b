// Upstream e2e specs through `kindlab test`, on a real kind cluster from the lab's node image
// v1.37.2, with the lab's e2e.test of the same tree, in one report with kindlab's own scenarios for
// the same features. The TLS gRPC probe specs need GRPCContainerProbeTLS (alpha, off by default):
// the plan turns it on because their label filter names it, and they pass only with the lab's
// agnhost carrying the certificate its Dockerfile adds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureNodeImage, kindlabLong, labNode, tierHome, whyNotReady } from '../helpers/kind-tier.js';
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

d('upstream specs beside kindlab scenarios on a real kind cluster', () => {
  it('passes the ValidatingAdmissionPolicy, ServiceAccounts and GRPCContainerProbeTLS specs and the matching kindlab scenarios', () => {
    const image = ensureNodeImage(labNode!);
    const json = join(tierHome, 'upstream-report.json');
    const r = kindlabLong(['test', '--provider', 'kind', '--image', image, '--json', json, 'grpc-probe', 'create-token', 'validating-admission-policy', VAP, SA, TLS]);
    expect(existsSync(json), `no report: exit ${r.code}\n${r.stderr.slice(-3000)}`).toBe(true);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { results: Result[] };
    const table = report.results.map((x) => `${x.id.slice(0, 60).padEnd(60)} ${x.status.padEnd(8)} ${x.message ?? ''}`).join('\n');
    console.log(table);
    expect(Object.fromEntries(report.results.map((x) => [x.id, x.status])), `${table}\n${r.stderr.slice(-3000)}`).toEqual({
      'grpc-probe': 'passed',
      'create-token': 'passed',
      'validating-admission-policy': 'passed',
      [VAP]: 'passed',
      [SA]: 'passed',
      [TLS]: 'passed',
    });
    const specLines = (id: string) => report.results.find((x) => x.id === id)!.logs.filter((l) => /^[✓✗-] /.test(l));
    // every selected spec ran and passed (✓), none skipped at run time
    expect(specLines(SA)).toHaveLength(3);
    for (const id of [VAP, SA, TLS]) {
      expect(specLines(id).length, id).toBeGreaterThan(0);
      expect(specLines(id).every((l) => l.startsWith('✓ ')), specLines(id).join('\n')).toBe(true);
    }
    expect(specLines(TLS).every((l) => l.includes('[FeatureGate:GRPCContainerProbeTLS]'))).toBe(true);
    expect(r.stderr).toContain('GRPCContainerProbeTLS');
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
  });
});
