// The whole catalogue on real kind nodes of the lab's older releases (the full tier, .ci/releases),
// with --counter-proof: the node scenarios at the stage their features had there, which v1.37.2
// (catalogue.test.ts, every tier) cannot show.
// - v1.30.14: UserNamespacesSupport and NodeLogQuery beta and off by default, so the kubelet's gate
//   can still be switched off (GA and locked at v1.37.2); MaxUnavailableStatefulSet alpha, with the
//   controller of before 1.34 (k/k#112307).
// - v1.28.15: UserNamespacesSupport and SidecarContainers alpha (their first release under these
//   names), on kubelets, each counter-proved with its gate off. (The default tier builds only its
//   API server and controller manager; its kind nodes are the full tier's, like the others here.)
// - v1.27.16: KEP-127's first alpha under its first gate, UserNamespacesStatelessPodsSupport (stateless
//   pods only), and the alphas of ContainerCheckpoint, NodeLogQuery and ValidatingAdmissionPolicy,
//   each shown failing on a kubelet or an API server with its gate off.
// - v1.24.17: GRPCContainerProbe beta, so the gRPC probe is shown failing on a kubelet with it off;
//   most node features did not exist yet, and their scenarios fail there where they assert them.
// Every scenario passes or is skipped with its reason; each one whose gate can be switched off (or
// which did not exist yet) is counter-proved on a cluster with it off, expecting the feature on,
// failing in a step that asserts the feature. The lab assembles each release's checkout and node
// ingredients (lab/node/build.sh --k8s-version: its binaries, images and the shared base image) and
// kindlab builds the node image.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counterProofTable } from '../../src/counter-proof/table.js';
import type { RunReport } from '../../src/report/model.js';
import { recordedRuns } from '../helpers/counter-proof-record.js';
import { buildArgs, kindlabLong, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { parseLabNode } from '../helpers/lab-node.js';
import { fullTier, inTier } from '../helpers/releases.js';
import { unavailable } from '../helpers/unavailable.js';

const ROOT = join(__dirname, '../..');
/** The table in scenarios/README.md reads these runs from the record (test/e2e/counter-proof.test.ts). */
const RECORDED_KIND = join(ROOT, 'test/fixtures/counter-proof-kind.json');
const NEEDS = (v: string) => new RegExp(`^needs Kubernetes >=${v.replace('.', '\\.')}`);

interface Release {
  /** Counter-proved on its kind nodes (seen on this machine, 2026-12-07). */
  counterProved: string[];
  /** What may be skipped there, with the reason it gives: its version, or this host (cgroup v1). */
  skipped: Record<string, RegExp>;
}

/** The scenarios of features that came after 1.28, skipped for the version at 1.27 and 1.28. */
const NEWER_THAN_1_28: Record<string, RegExp> = {
  'exec-websockets': NEEDS('1.29'),
  'in-place-pod-resize': NEEDS('1.33'),
  'mutating-admission-policy': NEEDS('1.32'),
  'pod-level-resources': NEEDS('1.32'),
  'portforward-websockets': NEEDS('1.30'),
  'structured-authn-config': NEEDS('1.29'),
};
/** The same at both: features alpha or beta there (user-namespaces under either name), or not there yet. */
const COUNTER_PROVED_AT_1_27_AND_1_28 = [
  'container-checkpoint', 'exec-websockets', 'mutating-admission-policy', 'node-log-query', 'pdb-unhealthy-pod-eviction',
  'pod-level-resources', 'sidecar-containers', 'statefulset-max-unavailable', 'structured-authn-config', 'user-namespaces',
  'validating-admission-policy',
];

const RELEASES: Record<string, Release> = {
  'v1.30.14': {
    counterProved: [
      'container-checkpoint', 'exec-websockets', 'node-log-query', 'pdb-unhealthy-pod-eviction', 'pod-level-resources',
      'sidecar-containers', 'statefulset-max-unavailable', 'structured-authn-config', 'user-namespaces',
    ],
    skipped: {
      'in-place-pod-resize': NEEDS('1.33'),
      'kubelet-oom-metric': /^from 1\.28 a cgroup v2 kubelet OOM-kills the whole container/,
      'multi-cluster-cidr': /^KEP-2593 \(multiple cluster CIDRs\) was withdrawn without leaving alpha/,
      'mutating-admission-policy': NEEDS('1.32'),
      'pod-level-resources': NEEDS('1.32'),
    },
  },
  'v1.28.15': {
    counterProved: COUNTER_PROVED_AT_1_27_AND_1_28,
    skipped: { ...NEWER_THAN_1_28, 'kubelet-oom-metric': /^from 1\.28 a cgroup v2 kubelet OOM-kills the whole container/ },
  },
  'v1.27.16': {
    counterProved: COUNTER_PROVED_AT_1_27_AND_1_28,
    skipped: {
      ...NEWER_THAN_1_28,
      'beta-apis-off-by-default': /^no two beta APIs introduced since the rule exist before 1\.28/,
      'kubelet-oom-metric': /^needs cgroup v2 /,
      'sidecar-containers': NEEDS('1.28'),
    },
  },
  'v1.24.17': {
    counterProved: [
      'container-checkpoint', 'cronjob-timezone', 'exec-websockets', 'grpc-probe', 'in-place-pod-resize', 'job-tracking-finalizer',
      'mutating-admission-policy', 'node-log-query', 'pdb-unhealthy-pod-eviction', 'pod-level-resources', 'sa-token-no-autogen',
      'sidecar-containers', 'statefulset-max-unavailable', 'structured-authn-config', 'user-namespaces', 'validating-admission-policy',
    ],
    skipped: {
      'beta-apis-off-by-default': /^no two beta APIs introduced since the rule exist before 1\.28/,
      'container-checkpoint': NEEDS('1.25'),
      'exec-websockets': NEEDS('1.29'),
      'in-place-pod-resize': NEEDS('1.33'),
      // this cgroup v1 host (a plan-time skip); on cgroup v2 it runs at 1.24
      'kubelet-oom-metric': /^needs cgroup v2 /,
      'multi-cluster-cidr': NEEDS('1.25'),
      'mutating-admission-policy': NEEDS('1.32'),
      'node-log-query': NEEDS('1.27'),
      'pdb-unhealthy-pod-eviction': NEEDS('1.26'),
      'pod-level-resources': NEEDS('1.32'),
      'portforward-websockets': NEEDS('1.30'),
      'sidecar-containers': NEEDS('1.28'),
      'structured-authn-config': NEEDS('1.29'),
      'user-namespaces': NEEDS('1.28'),
      'validating-admission-policy': NEEDS('1.26'),
    },
  },
};

interface Result {
  id: string;
  status: string;
  message?: string;
  counterProof?: { verdict: string; detail: string };
}

/** The release's node ingredients and its node image (cache hits after the first run). */
function olderNodeImage(version: string): string {
  const out = execFileSync('bash', [join(ROOT, 'lab/node/build.sh'), '--k8s-version', version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 90 * 60_000 });
  const node = parseLabNode(out);
  if (typeof node === 'string') throw new Error(node);
  const r = kindlabLong([...buildArgs(node), '-o', 'json']);
  if (r.code !== 0) throw new Error(`kindlab build ${version} failed (${r.code}):\n${r.stderr.slice(-4000)}`);
  return (JSON.parse(r.stdout) as { image: string }).image;
}

for (const [version, expected] of Object.entries(RELEASES)) {
  if (whyNotReady) unavailable(`the catalogue on kind nodes of ${version}`, whyNotReady);
  describe.runIf(!whyNotReady && inTier(version) && fullTier)(`the catalogue on kind nodes of ${version}, with counter-proofs (full tier)`, () => {
    it('passes or skips with its reason, and counter-proves every scenario whose feature can be off there', () => {
      const image = olderNodeImage(version);
      const json = join(tierHome, `older-node-${version}-report.json`);
      const r = kindlabLong(['test', '--provider', 'kind', '--image', image, '--counter-proof', '--json', json]);
      const report = JSON.parse(readFileSync(json, 'utf8')) as { results: Result[] };
      const table = report.results.map((x) => `${x.id.padEnd(32)} ${x.status.padEnd(8)} ${x.counterProof?.verdict ?? '-'} ${x.counterProof?.detail ?? x.message ?? ''}`).join('\n');
      console.log(table);
      expect(r.code, `${table}\n${r.stderr.slice(-3000)}`).toBe(0);
      expect(report.results.filter((x) => x.status !== 'passed' && x.status !== 'skipped'), table).toEqual([]);
      for (const x of report.results.filter((y) => y.status === 'skipped')) {
        expect(expected.skipped[x.id], `${x.id} skipped: ${x.message}`).toBeDefined();
        expect(x.message, x.id).toMatch(expected.skipped[x.id]!);
      }
      expect(report.results.filter((x) => x.counterProof?.verdict === 'counter-proved').map((x) => x.id).sort()).toEqual(expected.counterProved);
      expect(report.results.filter((x) => x.counterProof?.verdict === 'not-counter-proved')).toEqual([]);
      // scenarios/README.md's table shows this run as recorded; a changed verdict, reason or failing step shows here
      const live = [{ version: `${version} kind`, report: report as unknown as RunReport }];
      expect(counterProofTable(recordedRuns(RECORDED_KIND, ROOT, live)), `${RECORDED_KIND} is out of date (KINDLAB_RECORD_COUNTER_PROOF=1 writes it)`).toBe(counterProofTable(live));
    });
  });
}
