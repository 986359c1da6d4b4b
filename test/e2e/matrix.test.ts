// `kindlab matrix` on real API servers of the releases of this CI tier (.ci/releases: v1.28.15 and
// v1.37.2; v1.24.17 too under `bash .ci/run --full`), local provider: every API-level scenario runs
// at the stage its feature had on each version (alpha/beta with their gate and runtime config, GA
// with nothing) or is skipped with the reason; none fails. The HTML report is opened in Debian's
// Chromium and read as a person would.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { inTier, labBin } from '../helpers/releases.js';
import type { MatrixReport, ScenarioResult } from '../../src/report/model.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'kindlab.js');
const WANTED = ['v1.24.17', 'v1.28.15', 'v1.37.2'].filter(inTier);
const CHROMIUM = '/usr/bin/chromium';

const COMMON = ['beta-apis-off-by-default', 'create-token', 'cronjob-timezone', 'dynamic-kubelet-config-removed', 'grpc-probe', 'job-tracking-finalizer', 'kubectl-subresource', 'pdb-unhealthy-pod-eviction', 'sa-token-no-autogen', 'sidecar-containers', 'statefulset-max-unavailable', 'validating-admission-policy'];
const PASSES: Record<string, string[]> = {
  'v1.28.15': [...COMMON, 'multi-cluster-cidr'].sort(),
  'v1.37.2': [...COMMON, 'exec-websockets', 'in-place-pod-resize', 'mutating-admission-policy', 'pod-level-resources', 'portforward-websockets', 'structured-authn-config'].sort(),
};

describe(`kindlab matrix on ${WANTED.join(', ')}`, () => {
  const home = mkdtempSync(join(tmpdir(), 'kl-e2e-matrix-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  let report: MatrixReport;
  let stdout = '';

  it('runs the API-level catalogue at each version: passed or skipped with a reason, never failed', async () => {
    for (const v of WANTED) labBin(v);
    const r = await execa(process.execPath, [cli, 'matrix', '--provider', 'local', '--versions', WANTED.map((v) => `lab:${v}`).join(','), '--json', join(home, 'm.json'), '--junit-dir', join(home, 'junit'), '--html', join(home, 'out', 'matrix.html'), '--parallel', '4', '--jobs', '2'], {
      env: { KINDLAB_HOME: join(home, 'state'), NO_COLOR: '1', CI: 'true' },
      reject: false,
      timeout: 30 * 60_000,
      cwd: home,
    });
    stdout = r.stdout;
    console.log(r.stdout);
    expect(r.exitCode, r.stderr.slice(-3000)).toBe(0);
    report = JSON.parse(readFileSync(join(home, 'm.json'), 'utf8')) as MatrixReport;
    expect(report.columns.map((c) => c.version)).toEqual(WANTED);
    const cell = (v: string, id: string): ScenarioResult => report.columns.find((c) => c.version === v)!.report.results.find((x) => x.id === id)!;
    for (const c of report.columns) for (const x of c.report.results) expect(['passed', 'skipped'], `${x.id} @ ${c.label}: ${x.status} ${x.message ?? ''}`).toContain(x.status);
    // Exactly these pass on a control plane alone (seen on this machine, 2026-12-06); every other
    // scenario of the catalogue is skipped with a reason: a scenario that silently stops running
    // (or starts passing where it should not apply) changes these lists.
    const passedAt = (v: string) => report.columns.find((c) => c.version === v)!.report.results.filter((x) => x.status === 'passed').map((x) => x.id).sort();
    expect(passedAt('v1.28.15')).toEqual(PASSES['v1.28.15']);
    expect(passedAt('v1.37.2')).toEqual(PASSES['v1.37.2']);
    // A feature through its life: ValidatingAdmissionPolicy alpha 1.26, beta 1.28, GA 1.30.
    if (WANTED.includes('v1.24.17')) expect(cell('v1.24.17', 'validating-admission-policy')).toMatchObject({ status: 'skipped' });
    // before the feature: StructuredAuthenticationConfiguration is alpha from 1.29
    expect(cell('v1.28.15', 'structured-authn-config')).toMatchObject({ status: 'skipped', skipKind: 'verdict' });
    expect(cell('v1.28.15', 'validating-admission-policy')).toMatchObject({ status: 'passed', stage: 'beta' });
    expect(cell('v1.37.2', 'validating-admission-policy')).toMatchObject({ status: 'passed', stage: 'ga' });
    // KEP-2593 lived only as alpha (1.25-1.28), then the API was removed.
    expect(cell('v1.28.15', 'multi-cluster-cidr')).toMatchObject({ status: 'passed', stage: 'alpha' });
    expect(cell('v1.37.2', 'multi-cluster-cidr')).toMatchObject({ status: 'skipped', message: expect.stringMatching(/withdrawn|removed/) });
    // Scenarios that need a kubelet are skipped with that reason on the local provider.
    // … which is this machine's limit, not a verdict on the feature
    expect(cell('v1.37.2', 'runtime-not-docker')).toMatchObject({ status: 'skipped', skipKind: 'environment', message: expect.stringMatching(/needs running pods/) });
    const passedPer = report.columns.map((c) => c.report.results.filter((x) => x.status === 'passed').length);
    console.log(`passed per version ${WANTED.map((v, i) => `${v}: ${passedPer[i]}`).join(', ')}; per-version time ${report.columns.map((c) => `${c.label} ${(c.report.durationMs / 1000).toFixed(0)}s`).join(', ')}`);
    // The table the command prints: a column per version, a stage in the cells.
    expect(stdout).toMatch(new RegExp(`SCENARIO\\s+${WANTED.map((v) => `lab:${v.replace(/\./g, '\\.')} \\(${v.replace(/\./g, '\\.')}\\)`).join('\\s+')}`));
    expect(stdout).toMatch(new RegExp(`validating-admission-policy\\s+${WANTED.includes('v1.24.17') ? 'SKIPPED\\s+' : ''}PASSED \\(beta\\)\\s+PASSED \\(GA\\)`));
    // A JUnit file per version, each the scenarios of that version.
    const files = readdirSync(join(home, 'junit')).sort();
    expect(files).toEqual(WANTED.map((v) => `lab_${v}.xml`));
    for (const [i, f] of files.entries()) {
      const xml = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(join(home, 'junit', f), 'utf8')) as { testsuites: { '@_tests': string; '@_failures': string } };
      expect(Number(xml.testsuites['@_tests'])).toBe(report.columns[i]!.report.results.length);
      expect(xml.testsuites['@_failures']).toBe('0');
    }
  }, 30 * 60_000);

  it('the HTML report shows the table a person reads, in a real browser', async () => {
    expect(report, 'the matrix run above').toBeDefined();
    expect(existsSync(CHROMIUM), `${CHROMIUM} is absent (apt-get install chromium; bash .ci/run does)`).toBe(true);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(home, 'out', 'matrix.html')).href);
      const header = await page.locator('table.matrix thead th').allInnerTexts();
      expect(header.map((h) => h.replace(/\s+/g, ' ').trim())).toEqual(['feature', ...WANTED.map((v) => `lab:${v} ${v}`)]);
      const row = page.locator('table.matrix tbody tr', { has: page.locator('th .id', { hasText: /^validating-admission-policy$/ }) });
      const cells = (await row.locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      const at = (v: string): string => cells[WANTED.indexOf(v)] ?? '';
      if (WANTED.includes('v1.24.17')) expect(at('v1.24.17')).toMatch(/skipped/i);
      expect(at('v1.28.15')).toMatch(/passed.*beta/i);
      expect(at('v1.37.2')).toMatch(/passed.*GA/i);
      expect(await page.locator('table.versions tbody tr').count()).toBe(WANTED.length);
    } finally {
      await browser.close();
    }
  });
});
