// Kubelet features at an older stage, on real kind nodes of v1.30.14 (the full tier, .ci/releases:
// v1.30.14 `node`): UserNamespacesSupport and NodeLogQuery were beta there and off by default, so
// the kubelet's gate can still be switched off, which it cannot at v1.37.2 (GA, locked). Each
// scenario runs on a cluster whose plan turns its gate on, and must pass; its counter-proof runs it
// on a cluster with the gate off, expecting the feature on, and must fail in a step that asserts
// the feature. The lab assembles v1.30.14's checkout and node ingredients (lab/node/build.sh
// --k8s-version v1.30.14: its binaries, images and the shared base image) and kindlab builds the
// node image; on v1.37.2 the same scenarios run in every tier (catalogue.test.ts).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArgs, kindlabLong, tierHome, whyNotReady } from '../helpers/kind-tier.js';
import { parseLabNode } from '../helpers/lab-node.js';
import { inTier } from '../helpers/releases.js';
import { unavailable } from '../helpers/unavailable.js';

const VERSION = 'v1.30.14';
/** Node scenarios whose gate is beta and off by default at VERSION: the stage v1.37.2 cannot show. */
const SCENARIOS = ['node-log-query', 'user-namespaces'];

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

describe.runIf(!whyNotReady && inTier(VERSION))(`node scenarios on kind nodes of ${VERSION}, where their gates were beta and off (full tier)`, () => {
  it('pass with their gates on and are counter-proved with them off', () => {
    const image = olderNodeImage();
    const json = join(tierHome, 'older-node-report.json');
    const r = kindlabLong(['test', '--provider', 'kind', '--image', image, '--counter-proof', '--json', json, ...SCENARIOS]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { results: Result[] };
    const table = report.results.map((x) => `${x.id.padEnd(20)} ${x.status.padEnd(8)} ${x.counterProof?.verdict ?? '-'} ${x.counterProof?.detail ?? x.message ?? ''}`).join('\n');
    console.log(table);
    expect(r.code, `${table}\n${r.stderr.slice(-3000)}`).toBe(0);
    expect(report.results.map((x) => [x.id, x.status]).sort()).toEqual(SCENARIOS.map((id) => [id, 'passed']));
    for (const x of report.results) expect(x.counterProof, x.id).toMatchObject({ verdict: 'counter-proved' });
  });
});
