// The whole catalogue on real kind nodes of v1.30.14 (the full tier, .ci/releases), with
// --counter-proof: the node scenarios at the stage their features had there. UserNamespacesSupport
// and NodeLogQuery were beta and off by default, so the kubelet's gate can still be switched off,
// which it cannot at v1.37.2 (GA, locked); MaxUnavailableStatefulSet was alpha, with the controller
// of before 1.34 (k/k#112307). Every scenario passes or is skipped for its version; each one whose
// gate can be switched off (or which did not exist yet) is counter-proved on a cluster with it off,
// expecting the feature on, failing in a step that asserts the feature. The lab assembles v1.30.14's checkout and node ingredients (lab/node/build.sh
// --k8s-version v1.30.14: its binaries, images and the shared base image) and kindlab builds the
// node image; on v1.37.2 the same scenarios run in every tier (catalogue.test.ts).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counterProofTable } from '../../src/counter-proof/table.js';
import type { RunReport } from '../../src/report/model.js';
import { recordedRuns } from '../helpers/counter-proof-record.js';
import { buildArgs, kindlabLong, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { parseLabNode } from '../helpers/lab-node.js';
import { inTier } from '../helpers/releases.js';
import { unavailable } from '../helpers/unavailable.js';


const ROOT = join(__dirname, '../..');
/** The table in scenarios/README.md reads this run from the record (test/e2e/counter-proof.test.ts). */
const RECORDED_KIND = join(ROOT, 'test/fixtures/counter-proof-kind.json');
const VERSION = 'v1.30.14';
/** Counter-proved on kind nodes of VERSION (seen on this machine, 2026-12-07). */
const COUNTER_PROVED = [
  'container-checkpoint', 'exec-websockets', 'node-log-query', 'pdb-unhealthy-pod-eviction', 'pod-level-resources',
  'sidecar-containers', 'statefulset-max-unavailable', 'structured-authn-config', 'user-namespaces',
];
/** Skipped at VERSION, each for its version (a verdict), with the reason it gives. */
const SKIPPED: Record<string, RegExp> = {
  'in-place-pod-resize': /^needs Kubernetes >=1\.33/,
  'kubelet-oom-metric': /^from 1\.28 a cgroup v2 kubelet OOM-kills the whole container/,
  'multi-cluster-cidr': /^KEP-2593 \(multiple cluster CIDRs\) was withdrawn without leaving alpha/,
  'mutating-admission-policy': /^needs Kubernetes >=1\.32/,
  'pod-level-resources': /^needs Kubernetes >=1\.32/,
};

if (whyNotReady) unavailable(`node scenarios on kind nodes of ${VERSION}`, whyNotReady);

interface Result {
  id: string;
  status: string;
  message?: string;
  counterProof?: { verdict: string; detail: string };
}

/** The release's node ingredients and its node image (cache hits after the first run). */
function olderNodeImage(): string {
  const out = execFileSync('bash', [join(__dirname, '../../lab/node/build.sh'), '--k8s-version', VERSION], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 90 * 60_000 });
  const node = parseLabNode(out);
  if (typeof node === 'string') throw new Error(node);
  const r = kindlabLong([...buildArgs(node), '-o', 'json']);
  if (r.code !== 0) throw new Error(`kindlab build ${VERSION} failed (${r.code}):\n${r.stderr.slice(-4000)}`);
  return (JSON.parse(r.stdout) as { image: string }).image;
}

describe.runIf(!whyNotReady && inTier(VERSION))(`the catalogue on kind nodes of ${VERSION}, with counter-proofs (full tier)`, () => {
  it('passes or skips for the version, and counter-proves every scenario whose feature can be off there', () => {
    const image = olderNodeImage();
    const json = join(tierHome, 'older-node-report.json');
    const r = kindlabLong(['test', '--provider', 'kind', '--image', image, '--counter-proof', '--json', json]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { results: Result[] };
    const table = report.results.map((x) => `${x.id.padEnd(32)} ${x.status.padEnd(8)} ${x.counterProof?.verdict ?? '-'} ${x.counterProof?.detail ?? x.message ?? ''}`).join('\n');
    console.log(table);
    expect(r.code, `${table}\n${r.stderr.slice(-3000)}`).toBe(0);
    expect(report.results.filter((x) => x.status !== 'passed' && x.status !== 'skipped'), table).toEqual([]);
    const skipped = report.results.filter((x) => x.status === 'skipped');
    expect(skipped.map((x) => x.id).sort()).toEqual(Object.keys(SKIPPED).sort());
    for (const x of skipped) expect(x.message, x.id).toMatch(SKIPPED[x.id]!);
    expect(report.results.filter((x) => x.counterProof?.verdict === 'counter-proved').map((x) => x.id).sort()).toEqual(COUNTER_PROVED);
    expect(report.results.filter((x) => x.counterProof?.verdict === 'not-counter-proved')).toEqual([]);
    // scenarios/README.md's table shows this run as recorded; a changed verdict, reason or failing step shows here
    const live = [{ version: `${VERSION} kind`, report: report as unknown as RunReport }];
    expect(counterProofTable(recordedRuns(RECORDED_KIND, ROOT, live)), `${RECORDED_KIND} is out of date (KINDLAB_RECORD_COUNTER_PROOF=1 writes it)`).toBe(counterProofTable(live));
  });
});
