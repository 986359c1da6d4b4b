// `kindlab test --counter-proof` over the whole catalogue on real API servers (local provider) of
// the default tier's releases (v1.37.2, v1.28.15), and under `bash .ci/run --full` of v1.24.17 and
// v1.30.14 too (where the gates locked on at the newer releases were still alpha or beta): each
// scenario whose feature can be switched off there (a gate that is not locked, or a feature the
// older release does not have yet) runs again with it off while expecting it on, and must fail in a
// step that asserts the feature. A fixture whose check does not depend on its feature shows that
// such a scenario is reported NOT counter-proved and fails the run. The table in
// scenarios/README.md is the one these runs make: the full tier's part comes from its latest run,
// recorded in test/fixtures/counter-proof-full-tier.json, which the full tier checks against its
// own runs (KINDLAB_RECORD_COUNTER_PROOF=1 writes it anew).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterProofTable, TABLE_BEGIN, TABLE_END, type CounterProofRun } from '../../src/counter-proof/table.js';
import type { RunReport } from '../../src/report/model.js';
import { asRun, readRecord, recordedRuns } from '../helpers/counter-proof-record.js';
import { fullTier, labBin } from '../helpers/releases.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'kindlab.js');
const RECORDED = join(root, 'test/fixtures/counter-proof-full-tier.json');
/** The catalogue's counter-proofs on kind nodes, recorded by test/kind/catalogue.test.ts and older-node.test.ts. */
const RECORDED_KIND = join(root, 'test/fixtures/counter-proof-kind.json');
const FULL_TIER_RELEASES = ['v1.24.17', 'v1.30.14'];

// What each release can show on a control plane alone, as seen on this machine (2026-12-06; v1.24.17
// and v1.30.14, the full tier's, 2026-12-07).
const COUNTER_PROVED: Record<string, string[]> = {
  'v1.24.17': ['cronjob-timezone', 'exec-websockets', 'in-place-pod-resize', 'job-tracking-finalizer', 'mutating-admission-policy', 'pdb-unhealthy-pod-eviction', 'pod-level-resources', 'portforward-websockets', 'sa-token-no-autogen', 'sidecar-containers', 'statefulset-max-unavailable', 'structured-authn-config', 'validating-admission-policy'],
  'v1.28.15': ['exec-websockets', 'mutating-admission-policy', 'pdb-unhealthy-pod-eviction', 'pod-level-resources', 'portforward-websockets', 'sidecar-containers', 'statefulset-max-unavailable', 'structured-authn-config', 'validating-admission-policy'],
  'v1.30.14': ['exec-websockets', 'pdb-unhealthy-pod-eviction', 'pod-level-resources', 'portforward-websockets', 'sidecar-containers', 'statefulset-max-unavailable', 'structured-authn-config'],
  'v1.37.2': ['exec-websockets', 'mutating-admission-policy', 'pod-level-resources', 'portforward-websockets', 'statefulset-max-unavailable'],
};

describe('kindlab test --counter-proof on real API servers', () => {
  const home = mkdtempSync(join(tmpdir(), 'kl-e2e-counter-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const runs: CounterProofRun[] = [];

  async function counterProof(version: string, extra: string[] = []) {
    const json = join(home, `${version}.json`);
    const junit = join(home, `${version}.xml`);
    const r = await execa(process.execPath, [cli, 'test', '--provider', 'local', '--bin-dir', labBin(version), '--counter-proof', '--json', json, '--junit', junit, ...extra], {
      env: { KINDLAB_HOME: join(home, `state-${version}`), NO_COLOR: '1', CI: 'true' },
      reject: false,
      timeout: 20 * 60_000,
    });
    const report = JSON.parse(readFileSync(json, 'utf8')) as RunReport;
    console.log(r.stdout);
    return { r, report, junit };
  }

  // Both releases at once: their control planes mostly wait (policies settling, timeouts the
  // counter-proofs run into), so two runs take little longer than one.
  let at137: Awaited<ReturnType<typeof counterProof>>;
  let at128: Awaited<ReturnType<typeof counterProof>>;
  beforeAll(async () => {
    [at137, at128] = await Promise.all([counterProof('v1.37.2', ['--scenarios-dir', join(root, 'test/fixtures/counter-proof')]), counterProof('v1.28.15')]);
  }, 20 * 60_000);

  const proved = (report: RunReport) => report.results.filter((x) => x.counterProof?.verdict === 'counter-proved').map((x) => x.id).sort();

  it('v1.37.2: each scenario with a switchable gate fails without it; one whose check ignores its feature fails the run', async () => {
    const { r, report, junit } = at137;
    // the fixture is not counter-proved: exit 1, said loudly; nothing else failed
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(1);
    expect(report.results.filter((x) => x.status === 'failed' || x.status === 'errored').map((x) => x.id)).toEqual([]);
    const fixture = report.results.find((x) => x.id === 'not-about-its-feature')!;
    expect(fixture).toMatchObject({ status: 'passed', counterProof: { verdict: 'not-counter-proved', how: expect.stringMatching(/^MaxUnavailableStatefulSet=false on v1\.37\.2/) } });
    expect(r.stdout).toMatch(/1 NOT counter-proved \(their checks pass with the feature off: a defect of the scenario\)/);
    expect(proved(report)).toEqual(COUNTER_PROVED['v1.37.2']);
    // every scenario has a verdict or the reason there is none; no counter-proof variant is left as a result of its own
    for (const x of report.results) expect(x.counterProof, x.id).toBeDefined();
    expect(report.results.some((x) => x.id.startsWith('counter-proof:'))).toBe(false);
    // a counter-proved scenario's own run with the feature on still passed
    expect(report.results.find((x) => x.id === 'statefulset-max-unavailable')).toMatchObject({ status: 'passed', counterProof: { verdict: 'counter-proved', run: { status: 'failed', failedStep: 'maxUnavailable 2 and "50%" are kept' } } });
    // the verdict is in the JUnit properties
    // one <testsuite> per cluster, each with its <testcase>s (arrays forced: one element is one too)
    type Property = { '@_name': string; '@_value': string };
    type Case = { '@_name': string; properties?: { property: Property[] } };
    const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) }).parse(readFileSync(junit, 'utf8')) as { testsuites: { testsuite: Array<{ testcase?: Case[] }> } };
    const cases = xml.testsuites.testsuite.flatMap((t) => t.testcase ?? []);
    const props = (name: string) => cases.find((t) => t['@_name'] === name)?.properties?.property ?? [];
    expect(props('pod-level-resources')).toContainEqual({ '@_name': 'kindlab.counterProof', '@_value': 'counter-proved' });
    runs.push({ version: 'v1.37.2', report: { ...report, results: report.results.filter((x) => x.id !== fixture.id) } });
  });

  it('v1.28.15: switchable gates there, and the features that do not exist yet', async () => {
    const { r, report } = at128;
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    expect(proved(report)).toEqual(COUNTER_PROVED['v1.28.15']);
    expect(report.results.find((x) => x.id === 'mutating-admission-policy')!.counterProof!.how).toMatch(/^MutatingAdmissionPolicy absent on v1\.28\.15/);
    runs.push({ version: 'v1.28.15', report });
  });

  // The releases of the full tier: the gates that are GA and locked at the newer releases were
  // alpha or beta here, and ValidatingAdmissionPolicy did not exist yet at v1.24.17.
  let older: Array<Awaited<ReturnType<typeof counterProof>>> = [];
  beforeAll(async () => {
    if (fullTier) older = await Promise.all(FULL_TIER_RELEASES.map((v) => counterProof(v)));
  }, 20 * 60_000);

  it.runIf(fullTier)('v1.24.17 and v1.30.14 (full tier): the gates locked on at the newer releases are switched off there, and each such scenario fails', () => {
    const live: CounterProofRun[] = FULL_TIER_RELEASES.map((version, i) => ({ version, report: older[i]!.report }));
    runs.push(...live);
    const kept = recordedRuns(RECORDED, root, live);
    for (const [i, version] of FULL_TIER_RELEASES.entries()) {
      const { r, report } = older[i]!;
      expect(r.exitCode, `${version}: ${r.stderr.slice(-3000)}`).toBe(0);
      expect(proved(report), version).toEqual(COUNTER_PROVED[version]);
    }
    expect(counterProofTable(kept), `${RECORDED} is out of date (KINDLAB_RECORD_COUNTER_PROOF=1 writes it)`).toBe(counterProofTable(live));
  });

  it('scenarios/README.md holds the table these runs make (the full tier\'s part and the kind nodes\' as their latest runs recorded them)', () => {
    if (!fullTier) {
      // the full tier's releases are not built in this tier: their part of the table is its latest run's
      const kept = readRecord(RECORDED);
      expect(kept.runs.map((x) => x.version)).toEqual(FULL_TIER_RELEASES);
      runs.push(...kept.runs.map(asRun));
    }
    expect(runs.map((x) => x.version).sort()).toEqual(['v1.24.17', 'v1.28.15', 'v1.30.14', 'v1.37.2']);
    // kind nodes: the kind tier's own tests check these records against their runs
    const onKind = readRecord(RECORDED_KIND).runs.map(asRun);
    expect(onKind.map((x) => x.version)).toContain('v1.37.2 kind');
    const byVersion = (a: CounterProofRun, b: CounterProofRun) => a.version.localeCompare(b.version, undefined, { numeric: true });
    const table = counterProofTable([...runs, ...onKind].sort(byVersion));
    const readme = readFileSync(join(root, 'scenarios/README.md'), 'utf8');
    const inReadme = readme.slice(readme.indexOf(TABLE_BEGIN) + TABLE_BEGIN.length, readme.indexOf(TABLE_END)).trim();
    expect(inReadme, `scenarios/README.md is out of date; the runs made:\n${table}`).toBe(table.trim());
  });
});
