// `kindlab matrix` on real API servers of three releases the lab built (v1.24.17, v1.28.15 and
// v1.37.2, local provider): every API-level scenario runs at the stage its feature had on each
// version (alpha/beta with their gate and runtime config, GA with nothing) or is skipped with the
// reason; none fails. The HTML report is opened in Debian's Chromium and read as a person would.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { labBinDirs } from '../../src/lab/cache.js';
import type { MatrixReport, ScenarioResult } from '../../src/report/model.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'kindlab.js');
const WANTED = ['v1.24.17', 'v1.28.15', 'v1.37.2'];
const built = new Set(labBinDirs().map((d) => d.version));
const missing = WANTED.filter((v) => !built.has(v));
const CHROMIUM = '/usr/bin/chromium';
const why = missing.length ? `the lab has no build of ${missing.join(', ')} (npm run lab -- --k8s-version <v>)` : !existsSync(CHROMIUM) ? `${CHROMIUM} is absent (apt-get install chromium)` : '';

describe.skipIf(why !== '')(`kindlab matrix on three real releases${why ? ` — skipped: ${why}` : ''}`, () => {
  const home = mkdtempSync(join(tmpdir(), 'kl-e2e-matrix-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  let report: MatrixReport;
  let stdout = '';

  it('runs the API-level catalogue at each version: passed or skipped with a reason, never failed', async () => {
    const r = await execa(process.execPath, [cli, 'matrix', '--provider', 'local', '--versions', WANTED.map((v) => `lab:${v}`).join(','), '--json', join(home, 'm.json'), '--junit-dir', join(home, 'junit'), '--html', join(home, 'out', 'matrix.html'), '--parallel', '4'], {
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
    // A feature through its life: ValidatingAdmissionPolicy alpha 1.26, beta 1.28, GA 1.30.
    expect(cell('v1.24.17', 'validating-admission-policy')).toMatchObject({ status: 'skipped' });
    expect(cell('v1.28.15', 'validating-admission-policy')).toMatchObject({ status: 'passed', stage: 'beta' });
    expect(cell('v1.37.2', 'validating-admission-policy')).toMatchObject({ status: 'passed', stage: 'ga' });
    // KEP-2593 lived only as alpha (1.25-1.28), then the API was removed.
    expect(cell('v1.28.15', 'multi-cluster-cidr')).toMatchObject({ status: 'passed', stage: 'alpha' });
    expect(cell('v1.37.2', 'multi-cluster-cidr')).toMatchObject({ status: 'skipped', message: expect.stringMatching(/withdrawn|removed/) });
    // Scenarios that need a kubelet are skipped with that reason on the local provider.
    expect(cell('v1.37.2', 'runtime-not-docker')).toMatchObject({ status: 'skipped', message: expect.stringMatching(/needs running pods/) });
    const passedPer = report.columns.map((c) => c.report.results.filter((x) => x.status === 'passed').length);
    console.log(`passed per version ${WANTED.map((v, i) => `${v}: ${passedPer[i]}`).join(', ')}; per-version time ${report.columns.map((c) => `${c.label} ${(c.report.durationMs / 1000).toFixed(0)}s`).join(', ')}`);
    expect(Math.min(...passedPer)).toBeGreaterThan(3);
    // The table the command prints: a column per version, a stage in the cells.
    expect(stdout).toMatch(/SCENARIO\s+lab:v1\.24\.17 \(v1\.24\.17\)\s+lab:v1\.28\.15 \(v1\.28\.15\)\s+lab:v1\.37\.2 \(v1\.37\.2\)/);
    expect(stdout).toMatch(/validating-admission-policy\s+SKIPPED\s+PASSED \(beta\)\s+PASSED \(GA\)/);
    // A JUnit file per version, each the scenarios of that version.
    const files = readdirSync(join(home, 'junit')).sort();
    expect(files).toEqual(['lab_v1.24.17.xml', 'lab_v1.28.15.xml', 'lab_v1.37.2.xml']);
    for (const [i, f] of files.entries()) {
      const xml = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(join(home, 'junit', f), 'utf8')) as { testsuites: { '@_tests': string; '@_failures': string } };
      expect(Number(xml.testsuites['@_tests'])).toBe(report.columns[i]!.report.results.length);
      expect(xml.testsuites['@_failures']).toBe('0');
    }
  }, 30 * 60_000);

  it('the HTML report shows the table a person reads, in a real browser', async () => {
    expect(report, 'the matrix run above').toBeDefined();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(home, 'out', 'matrix.html')).href);
      const header = await page.locator('table.matrix thead th').allInnerTexts();
      expect(header.map((h) => h.replace(/\s+/g, ' ').trim())).toEqual(['feature', 'lab:v1.24.17 v1.24.17', 'lab:v1.28.15 v1.28.15', 'lab:v1.37.2 v1.37.2']);
      const row = page.locator('table.matrix tbody tr', { has: page.locator('th .id', { hasText: /^validating-admission-policy$/ }) });
      const cells = (await row.locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
      expect(cells[0]).toMatch(/skipped/i);
      expect(cells[1]).toMatch(/passed.*beta/i);
      expect(cells[2]).toMatch(/passed.*GA/i);
      expect(await page.locator('table.versions tbody tr').count()).toBe(3);
    } finally {
      await browser.close();
    }
  });
});
