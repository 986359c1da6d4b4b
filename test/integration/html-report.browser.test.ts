// The HTML reports opened from disk in a real headless Chromium: what a person sees (counts, the
// version table, open failures with their diff, skip reasons, artifact links that lead to the
// folder), and that markup in a message stays text. Needs Debian's chromium at /usr/bin/chromium
// (CI installs the `chromium` package); without it this file skips and says so.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMatrixHtml, renderRunHtml } from '../../src/report/html.js';
import { matrixReport, runReport } from '../unit/report/fixtures.js';
import { unavailable } from '../helpers/unavailable.js';

const CHROMIUM = '/usr/bin/chromium';
const ready = existsSync(CHROMIUM);
const d = describe.skipIf(!ready);
if (!ready) unavailable('HTML report in Chromium', `${CHROMIUM} is absent (install Debian's chromium package)`);

/** Files under dir, '/'-separated: what the CLI would pass as listArtifacts. */
function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.split('\\').join('/'))
    .sort();
}

d('HTML report in Chromium', () => {
  let browser: Browser;
  let dir: string;
  let artifacts: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kindlab-html-'));
    // The run folder as the runner leaves it: artifacts of the failed scenario under the report.
    artifacts = join(dir, 'artifacts', 'sidecar-containers');
    mkdirSync(join(artifacts, 'pods'), { recursive: true });
    writeFileSync(join(artifacts, 'events.yaml'), 'events: []\n');
    writeFileSync(join(artifacts, 'pods', 'sidecar-test.log'), 'starting\n');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a report from disk, failing on anything that is not the file itself or on page errors. */
  async function open(name: string, html: string): Promise<{ page: Page; problems: string[] }> {
    const file = join(dir, name);
    writeFileSync(file, html);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== pathToFileURL(file).href) problems.push(`request ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror ${e.message}`));
    await page.goto(pathToFileURL(file).href);
    return { page, problems };
  }

  it('run report: counts, open failure with its diff, skip reason, clusters, artifacts, no script from the model', async () => {
    const { page, problems } = await open('report.html', renderRunHtml(runReport(relative(process.cwd(), artifacts)), { reportDir: dir, listArtifacts: walk }));
    try {
      const counts = await page.locator('header .counts .count').allInnerTexts();
      expect(counts).toEqual(['4 scenarios', '1 passed', '1 failed', '1 errored', '1 skipped', '0 interrupted']);
      for (const c of await page.locator('header .counts .count').all()) expect(await c.isVisible()).toBe(true);

      // The failure is open: its diff lines show, each with its sign and a background of its own.
      const failed = page.locator('details.scenario[data-status="failed"]');
      expect(await failed.evaluate((e) => (e as HTMLDetailsElement).open)).toBe(true);
      const del = failed.locator('.failure pre .del');
      const add = failed.locator('.failure pre .add');
      expect(await del.isVisible()).toBe(true);
      expect(await add.isVisible()).toBe(true);
      expect(await del.innerText()).toBe('- restartCount: 1');
      expect(await add.innerText()).toBe('+ restartCount: 0');
      const bg = (e: Element): string => getComputedStyle(e).backgroundColor;
      const plainBg = await failed.locator('.failure pre').evaluate(bg);
      const [delBg, addBg] = [await del.evaluate(bg), await add.evaluate(bg)];
      expect(new Set([plainBg, delBg, addBg]).size).toBe(3);
      expect(await failed.locator('.where').innerText()).toBe('at step wait for sidecar restart');
      expect(await failed.locator('table.steps tbody tr').allInnerTexts()).toEqual([
        'create pod\tPASSED\t412 ms\t',
        'kill sidecar\tPASSED\t1.2 s\t',
        'wait for sidecar restart\tFAILED\t30.0 s\t\ntimed out after 30s',
      ]);
      expect(await failed.locator('pre.logs').innerText()).toBe('pod sidecar-test created\nevent: Back-off restarting failed container & "sidecar" <x>');

      // Markup in the message is shown as text and did not run.
      expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
      expect(await failed.locator('.failure pre').innerText()).toContain('sidecar did not restart <script>window.__pwned = true</script><img src="x" onerror="window.__pwned = true">');
      expect(await page.locator('script').count()).toBe(1);
      expect(await page.locator('img').count()).toBe(0);

      // Passes stay closed (their steps hidden); a skip's reason is on its visible line.
      const passed = page.locator('details.scenario[data-status="passed"]');
      expect(await passed.evaluate((e) => (e as HTMLDetailsElement).open)).toBe(false);
      expect(await passed.locator('table.steps').isVisible()).toBe(false);
      const reason = page.locator('details.scenario[data-status="skipped"] summary .reason');
      expect(await reason.isVisible()).toBe(true);
      expect(await reason.innerText()).toBe('feature gate InPlacePodVerticalScaling is off (alpha on this version)');
      expect(await page.locator('details.scenario[data-status="skipped"] summary .meta').innerText()).toContain('stage alpha');

      // The cluster that did not come up, and the scenario it took down with it (open).
      const broken = page.locator('table.clusters tr.cluster-error');
      expect(await broken.isVisible()).toBe(true);
      expect(await broken.innerText()).toContain('kind-1\tkind\tv1.33.1\tkindest/node:v1.33.1\tDID NOT COME UP');
      expect(await broken.innerText()).toContain('hint: the node image kindest/node:v1.33.1 is not on this machine');
      expect(await page.locator('details.scenario[data-status="errored"]').evaluate((e) => (e as HTMLDetailsElement).open)).toBe(true);

      // Artifact links are relative in the file and resolve to what is on disk.
      const folder = failed.locator('a.artifacts-dir');
      expect(await folder.getAttribute('href')).toBe('artifacts/sidecar-containers/');
      const href = await folder.evaluate((a) => (a as HTMLAnchorElement).href);
      expect(fileURLToPath(href).replace(/\/$/, '')).toBe(artifacts);
      expect(statSync(fileURLToPath(href)).isDirectory()).toBe(true);
      const files = await failed.locator('ul.files a').evaluateAll((as) => as.map((a) => [a.textContent, (a as HTMLAnchorElement).href]));
      expect(files.map(([t]) => t)).toEqual(['events.yaml', 'pods/sidecar-test.log']);
      for (const [, h] of files) expect(statSync(fileURLToPath(h ?? '')).isFile()).toBe(true);

      // The page's one script runs under its own policy: collapse / expand all.
      await page.getByRole('button', { name: 'Collapse all' }).click();
      expect(await failed.evaluate((e) => (e as HTMLDetailsElement).open)).toBe(false);
      await page.getByRole('button', { name: 'Expand all' }).click();
      expect(await passed.locator('table.steps').isVisible()).toBe(true);

      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('matrix report: feature × version cells, per-version counts, cells lead to the scenario', async () => {
    const { page, problems } = await open('matrix.html', renderMatrixHtml(matrixReport(artifacts), { reportDir: dir, listArtifacts: walk }));
    try {
      const matrix = page.locator('table.matrix');
      expect(await matrix.locator('thead th').allInnerTexts()).toEqual(['feature', 'v1.32.5', 'lab:v1.33.1\nv1.33.1']);
      const rows = await matrix.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => [(tr.querySelector('th .id')?.textContent ?? ''), ...[...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText)]),
      );
      expect(rows).toEqual([
        ['pod-lifecycle', 'PASSED\nstage GA', 'PASSED\nstage GA'],
        ['sidecar-containers', 'PASSED\nstage beta', 'FAILED\nstage beta\nsidecar did not restart <script>window.__pwned = true</script><img src="x" onerror="window.__pwned = true">'],
        ['in-place-resize', 'SKIPPED\nneeds Kubernetes >= 1.33 (not in v1.32.5)', 'SKIPPED\nstage alpha\nfeature gate InPlacePodVerticalScaling is off (alpha on this version)'],
        ['node-swap', 'ERRORED\nstage beta\ncluster kind-1 (kind) did not come up: kind could not create cluster "kind-1"', 'ERRORED\nstage beta\ncluster kind-1 (kind) did not come up: kind could not create cluster "kind-1"'],
      ]);
      for (const td of await matrix.locator('tbody td').all()) expect(await td.isVisible()).toBe(true);

      expect(await page.locator('table.versions tbody tr').allInnerTexts()).toEqual([
        'v1.32.5\tv1.32.5\t2\t0\t1\t1\t0\t1m 35s',
        'lab:v1.33.1\tv1.33.1\t1\t1\t1\t1\t0\t1m 35s',
      ]);
      expect(await page.locator('header .counts .count').allInnerTexts()).toEqual(['8 scenarios', '3 passed', '1 failed', '2 errored', '2 skipped', '0 interrupted']);

      // The failed cell leads to its scenario in the v1.33.1 section, open, diff showing.
      await matrix.locator('tbody tr').nth(1).locator('td').nth(1).locator('a').click();
      expect(new URL(page.url()).hash).toBe('#v1-1');
      const target = page.locator('#v1-1');
      expect(await target.evaluate((e) => (e as HTMLDetailsElement).open)).toBe(true);
      expect(await target.locator('.failure pre .del').isVisible()).toBe(true);
      expect(await page.locator('section#v1 #v1-1').count()).toBe(1);

      expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
      const href = await target.locator('a.artifacts-dir').evaluate((a) => (a as HTMLAnchorElement).href);
      expect(statSync(fileURLToPath(href)).isDirectory()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
