// The whole catalogue through `kindlab test --provider kind --counter-proof` with the lab's node
// image: every scenario, API parts and node parts, on real kind clusters of v1.37.2. Every scenario
// passes, or skips with a reason that is true of this host or of kind; and each one whose gate can
// be switched off at v1.37.2 is counter-proved on a kind cluster with it off (the node scenarios'
// counter-proofs: the local provider's e2e tier covers the API-level ones at two releases).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counterProofTable } from '../../src/counter-proof/table.js';
import type { RunReport } from '../../src/report/model.js';
import { recordedRuns } from '../helpers/counter-proof-record.js';
import { ensureNodeImage, kindlabLong, labNode, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { unavailable } from '../helpers/unavailable.js';


const ROOT = join(__dirname, '../..');
/** The table in scenarios/README.md reads this run from the record (test/e2e/counter-proof.test.ts). */
const RECORDED_KIND = join(ROOT, 'test/fixtures/counter-proof-kind.json');
const d = whyNotReady ? describe.skip : describe;
if (whyNotReady) unavailable('catalogue on real kind nodes', whyNotReady);

interface Result {
  id: string;
  cluster: string;
  status: string;
  message?: string;
  counterProof?: { verdict: string; detail: string };
}

/** Counter-proved on kind at v1.37.2 (seen on this machine, 2026-12-06). */
const COUNTER_PROVED = ['container-checkpoint', 'exec-websockets', 'mutating-admission-policy', 'pod-level-resources', 'statefulset-max-unavailable'];

/**
 * Skips that are true of where the scenarios run, by scenario: what this host lacks, or what a
 * kind cluster cannot be (the API server lives inside a node container).
 */
const ALLOWED_SKIPS: Record<string, RegExp> = {
  // cgroup v1 host: the kernel names the OOM-killed task's cgroup by its host path (a plan-time skip).
  'kubelet-oom-metric': /^needs cgroup v2 \(container_oom_events_total counts a kill only where cAdvisor can map .*\); the docker host runs cgroup v1$/,
  // KEP-2593 existed only as alpha in 1.25–1.28; the lab's node image is 1.37
  'multi-cluster-cidr': /^KEP-2593 \(multiple cluster CIDRs\) was withdrawn without leaving alpha: Kubernetes 1\.29 removed/,
};

d('the catalogue on a real kind node', () => {
  it('passes every scenario, or skips it for a reason of this host', () => {
    const image = ensureNodeImage(labNode!);
    const json = join(tierHome, 'catalogue-report.json');
    // Every scenario on kind, so the node halves of the API scenarios run on a kubelet too.
    const r = kindlabLong(['test', '--provider', 'kind', '--image', image, '--counter-proof', '--json', json, '--junit', join(tierHome, 'catalogue-junit.xml')]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { results: Result[] };
    const table = report.results.map((x) => `${x.id.padEnd(32)} ${x.cluster.padEnd(14)} ${x.status.padEnd(8)} ${x.message ?? ''}`).join('\n');
    console.log(table);
    expect(report.results.filter((x) => x.status !== 'passed' && x.status !== 'skipped'), table).toEqual([]);
    for (const x of report.results.filter((y) => y.status === 'skipped')) {
      const allowed = ALLOWED_SKIPS[x.id];
      expect(allowed && allowed.test(x.message ?? ''), `${x.id} skipped: ${x.message}`).toBe(true);
    }
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    // the counter-proofs: these fail with their gate off where they assert the feature; none passes
    expect(report.results.filter((x) => x.counterProof?.verdict === 'counter-proved').map((x) => x.id).sort()).toEqual(COUNTER_PROVED);
    expect(report.results.filter((x) => x.counterProof?.verdict === 'not-counter-proved')).toEqual([]);
    // scenarios/README.md's table shows this run as recorded; a changed verdict, reason or failing step shows here
    const live = [{ version: 'v1.37.2 kind', report: report as unknown as RunReport }];
    expect(counterProofTable(recordedRuns(RECORDED_KIND, ROOT, live)), `${RECORDED_KIND} is out of date (KINDLAB_RECORD_COUNTER_PROOF=1 writes it)`).toBe(counterProofTable(live));
    // a kubelet serves WebSocket port-forward itself at 1.37: the scenario says why its node part cannot counter-prove the API server's gate
    expect(report.results.find((x) => x.id === 'portforward-websockets')!.counterProof).toMatchObject({ verdict: 'inconclusive', detail: expect.stringMatching(/a kubelet serves WebSocket port-forward itself/) });
    for (const x of report.results) expect(x.counterProof, x.id).toBeDefined();
  });
});
