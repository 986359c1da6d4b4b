// Upstream API-level specs on the local provider (a real etcd + kube-apiserver +
// kube-controller-manager, no nodes): the ValidatingAdmissionPolicy specs of
// test/e2e/apimachinery/validatingadmissionpolicy.go from the lab's e2e.test v1.37.2, beside
// kindlab's own create-token; under `bash .ci/run --full` a matrix of one label filter over
// v1.24.17, v1.30.14 and v1.37.2. Without nodes the framework's node waits are off
// (--allowed-not-ready-nodes=-1 --num-nodes=0) and the pass is partial, in every report.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultLabBinDir } from '../../src/cluster/local/provider.js';
import { labCacheRoot } from '../../src/lab/cache.js';
import { kindlab } from '../helpers/env.js';
import { unavailable } from '../helpers/unavailable.js';
import { fullTier, inTier, labBin } from '../helpers/releases.js';

const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
const e2eTest = binDir ? join(binDir, 'e2e.test') : undefined;
const why = !binDir ? 'no lab binaries (npm run lab)' : !existsSync(e2eTest!) ? `no ${e2eTest} (bash lab/node/build.sh builds it)` : '';
const VAP = 'e2e:\\[sig-api-machinery\\] ValidatingAdmissionPolicy';

/**
 * The lab's cache as seen through links, with one release's e2e.test left out: a version without
 * one, whatever else this machine built (the full tier's kind nodes build v1.28.15's from its tree).
 */
function labWithout(e2eOf: string, into: string): string {
  const root = labCacheRoot();
  mkdirSync(into, { recursive: true });
  for (const entry of readdirSync(root)) {
    if (entry !== `k8s-${e2eOf}`) {
      symlinkSync(join(root, entry), join(into, entry));
      continue;
    }
    mkdirSync(join(into, entry));
    for (const sub of readdirSync(join(root, entry))) {
      if (sub === 'bin') mkdirSync(join(into, entry, 'bin'));
      else if (sub !== 'manifest.json') symlinkSync(join(root, entry, sub), join(into, entry, sub));
    }
    // the build's record without it, as a build of the API server alone writes it
    const manifest = JSON.parse(readFileSync(join(root, entry, 'manifest.json'), 'utf8')) as { kubernetes: { binaries: Array<{ name: string }> } };
    manifest.kubernetes.binaries = manifest.kubernetes.binaries.filter((b) => b.name !== 'e2e.test');
    writeFileSync(join(into, entry, 'manifest.json'), JSON.stringify(manifest));
    for (const bin of readdirSync(join(root, entry, 'bin'))) {
      if (bin !== 'e2e.test') symlinkSync(join(root, entry, 'bin', bin), join(into, entry, 'bin', bin));
    }
  }
  return into;
}

if (why) unavailable('upstream API-level specs on the local provider', why);
describe.skipIf(Boolean(why))('upstream API-level specs on the local provider', () => {
  const home = mkdtempSync(join(tmpdir(), 'kl-e2e-upstream-local-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('runs the ValidatingAdmissionPolicy specs of apimachinery on a control plane alone: each passes, the result is a partial pass', () => {
    const json = join(home, 'report.json');
    const r = kindlab(['test', '--provider', 'local', '--bin-dir', binDir!, '--json', json, VAP, 'create-token'], { KINDLAB_HOME: join(home, 'state'), CI: 'true' });
    expect(r.code, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { results: Array<{ id: string; status: string; partial?: string[]; logs: string[] }> };
    const vap = report.results.find((x) => x.id === VAP)!;
    expect(vap.status).toBe('passed');
    expect(vap.partial?.join(' ')).toMatch(/no nodes: the specs ran against the control plane alone/);
    // every spec of the file ran and passed (✓), as e2e.test listed them; none skipped at run time
    const specs = vap.logs.filter((l) => /^[✓✗-] /.test(l));
    expect(specs.length).toBeGreaterThanOrEqual(6);
    expect(specs.every((l) => l.startsWith('✓ [sig-api-machinery] ValidatingAdmissionPolicy'))).toBe(true);
    expect(vap.logs.join('\n')).toContain('--allowed-not-ready-nodes=-1 --num-nodes=0');
    expect(report.results.find((x) => x.id === 'create-token')?.status).toBe('passed');
    expect(r.stdout).toMatch(/PASSED \(partial\)/);
  });

  it('matrix: each version runs its own lab e2e.test; a version without one skips just that cell, naming the build', () => {
    // v1.28.15 is in the default CI tier (.ci/releases): the lab builds its API server, not its e2e.test
    if (inTier('v1.28.15')) labBin('v1.28.15');
    const json = join(home, 'matrix.json');
    const versions = ['lab:v1.37.2', ...(inTier('v1.28.15') ? ['lab:v1.28.15'] : [])];
    const lab = labWithout('v1.28.15', join(home, 'lab-without-e2e'));
    const r = kindlab(['matrix', '--provider', 'local', '--versions', versions.join(','), '--json', json, VAP, 'validating-admission-policy'], { KINDLAB_HOME: join(home, 'state-m'), KINDLAB_LAB_CACHE: lab, CI: 'true' });
    expect(r.code, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`).toBe(0);
    const m = JSON.parse(readFileSync(json, 'utf8')) as { columns: Array<{ label: string; report: { results: Array<{ id: string; status: string; skipKind?: string; message?: string; partial?: string[] }> } }> };
    const cell = (label: string, id: string) => m.columns.find((c) => c.label === label)!.report.results.find((x) => x.id === id)!;
    expect(cell('lab:v1.37.2', VAP)).toMatchObject({ status: 'passed', partial: [expect.stringMatching(/no nodes/)] });
    expect(cell('lab:v1.37.2', 'validating-admission-policy').status).toBe('passed');
    expect(r.stdout).toMatch(/PASSED \(partial\)/);
    if (versions.length > 1) {
      expect(cell('lab:v1.28.15', VAP)).toMatchObject({ status: 'skipped', skipKind: 'environment', message: expect.stringMatching(/^no e2e\.test of v1\.28\.15 \(build it: kindlab lab node v1\.28\.15 \(the release.s tree/) });
      // the version's own scenarios still run
      expect(cell('lab:v1.28.15', 'validating-admission-policy').status).toBe('passed');
    }
  });

  // The label filter names a gate that was beta (on) at v1.30.14 and is GA (locked) at v1.37.2;
  // both frameworks put FeatureGate:CRDValidationRatcheting on the same 8 specs, which need only
  // the API server. v1.24.17's framework is Ginkgo v1: no labels, a skip said at plan time.
  it.runIf(fullTier)('matrix of one label filter over the releases whose frameworks carry labels (v1.30.14, v1.37.2), v1.24.17 skipping it at plan time (full tier)', () => {
    for (const v of ['v1.24.17', 'v1.30.14']) labBin(v);
    const sel = 'e2e:label=FeatureGate:CRDValidationRatcheting';
    const json = join(home, 'matrix-labels.json');
    const r = kindlab(['matrix', '--provider', 'local', '--versions', 'lab:v1.24.17,lab:v1.30.14,lab:v1.37.2', '--json', json, sel], { KINDLAB_HOME: join(home, 'state-l'), CI: 'true' });
    expect(r.code, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`).toBe(0);
    const m = JSON.parse(readFileSync(json, 'utf8')) as { columns: Array<{ label: string; report: { results: Array<{ id: string; status: string; message?: string; partial?: string[]; logs: string[] }> } }> };
    const cell = (label: string) => m.columns.find((c) => c.label === label)!.report.results.find((x) => x.id === sel)!;
    expect(cell('lab:v1.24.17')).toMatchObject({ status: 'skipped', message: expect.stringMatching(/label filter needs Ginkgo v2 labels; Kubernetes before 1\.25 runs its e2e suite on Ginkgo v1/) });
    for (const v of ['v1.30.14', 'v1.37.2']) {
      const c = cell(`lab:${v}`);
      expect(c, v).toMatchObject({ status: 'passed', partial: [expect.stringMatching(/no nodes/)] });
      // each version ran its own test binary, and all 8 specs of the file passed there
      expect(c.logs.join('\n'), v).toContain(`k8s-${v}/bin/e2e.test`);
      const specs = c.logs.filter((l) => /^[✓✗-] /.test(l));
      expect(specs.length, v).toBe(8);
      expect(specs.every((l) => l.startsWith('✓ [sig-api-machinery] CRDValidationRatcheting')), v).toBe(true);
    }
    expect(r.stdout).toMatch(/FeatureGate:CRDValidationRatcheting\s+SKIPPED\s+PASSED \(partial\)\s+PASSED \(partial\)/);
  });
});
