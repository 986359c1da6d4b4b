// The whole catalogue through `kindlab test` with the lab's node image: API-level scenarios on
// the local provider, node scenarios on a real kind cluster, one target version (v1.37.2) for
// both. Every scenario passes, or skips with a reason that is true of this host.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureNodeImage, kindlabLong, labNode, tierHome, whyNotReady } from '../helpers/kind-tier.js';

const d = whyNotReady ? describe.skip : describe;
if (whyNotReady) describe('catalogue on real kind nodes', () => it.skip(`skipped: ${whyNotReady}`, () => {}));

interface Result {
  id: string;
  cluster: string;
  status: string;
  message?: string;
}

/** Skips that are true of this machine, by scenario: what the host lacks. */
const HOST_SKIPS: Record<string, RegExp> = {
  'user-namespaces': /cgroup v1|cgroup v2|idmap|kernel/i,
};

d('the catalogue on a real kind node', () => {
  it('passes every scenario, or skips it for a reason of this host', () => {
    const image = ensureNodeImage(labNode!);
    const json = join(tierHome, 'catalogue-report.json');
    // The lab's binaries run the API-level scenarios on the local provider, the image the node ones.
    const labBin = join(process.env.KINDLAB_LAB_CACHE ?? join(homedir(), '.cache/kindlab/lab'), `k8s-${labNode!.version}`, 'bin');
    const r = kindlabLong(['test', '--image', image, '--json', json, '--junit', join(tierHome, 'catalogue-junit.xml')], { KINDLAB_LAB_BIN: labBin });
    const report = JSON.parse(readFileSync(json, 'utf8')) as { results: Result[] };
    const table = report.results.map((x) => `${x.id.padEnd(32)} ${x.cluster.padEnd(14)} ${x.status.padEnd(8)} ${x.message ?? ''}`).join('\n');
    console.log(table);
    expect(report.results.filter((x) => x.status !== 'passed' && x.status !== 'skipped'), table).toEqual([]);
    for (const x of report.results.filter((y) => y.status === 'skipped')) {
      const allowed = HOST_SKIPS[x.id];
      expect(allowed && allowed.test(x.message ?? ''), `${x.id} skipped: ${x.message}`).toBe(true);
    }
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
  });
});
