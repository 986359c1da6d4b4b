import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { artifactHref, esc, formatDuration, renderMatrixHtml, renderRunHtml } from '../../../src/report/html.js';
import { INJECTED, matrixReport, runReport } from './fixtures.js';

const scenarioBlock = (html: string, id: string): string => {
  const start = html.indexOf(`<span class="id">${id}</span>`);
  const open = html.lastIndexOf('<details', start);
  return html.slice(open, html.indexOf('</details>', start));
};

describe('HTML report', () => {
  const html = renderRunHtml(runReport('/runs/abc123/artifacts/sidecar-containers'), { reportDir: '/runs/abc123' });

  it('escapes everything from the model: injected markup is text', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html).not.toContain(INJECTED);
    expect(html).toContain(esc(INJECTED));
    expect(html).toContain('event: Back-off restarting failed container &amp; &quot;sidecar&quot; &lt;x&gt;');
    // Ours is the only script, and the policy admits exactly it.
    expect(html.match(/<script/g)).toHaveLength(1);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(html).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
  });

  it('is self-contained', () => {
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<link\b|@import|url\(/);
  });

  it('opens failures and errors, leaves passes and skips closed, shows skip reasons on the line', () => {
    expect(scenarioBlock(html, 'sidecar-containers')).toMatch(/^<details class="scenario st-failed" id="s-1" data-status="failed" open>/);
    expect(scenarioBlock(html, 'node-swap')).toMatch(/ open>/);
    expect(scenarioBlock(html, 'pod-lifecycle')).not.toMatch(/ open>/);
    const skip = scenarioBlock(html, 'in-place-resize');
    expect(skip).not.toMatch(/ open>/);
    expect(skip).toMatch(/<summary>.*stage alpha.*<span class="reason">feature gate InPlacePodVerticalScaling is off \(alpha on this version\)<\/span><\/summary>/);
  });

  it('marks diff lines, keeps their signs, shows steps with timings and the failed step', () => {
    const bad = scenarioBlock(html, 'sidecar-containers');
    expect(bad).toContain('<span class="del">- restartCount: 1</span>');
    expect(bad).toContain('<span class="add">+ restartCount: 0</span>');
    expect(bad).toContain('\n  name: sidecar');
    expect(bad).toContain('at step <b>wait for sidecar restart</b>');
    expect(bad).toMatch(/<td>kill sidecar<\/td><td><span class="badge st-passed">PASSED<\/span><\/td><td class="num">1.2 s<\/td>/);
    expect(bad).toMatch(/<td>wait for sidecar restart<\/td><td><span class="badge st-failed">FAILED<\/span><\/td><td class="num">30.0 s<\/td><td><pre class="message">timed out after 30s<\/pre>/);
  });

  it('links artifacts relative to the report, or by file:// URL without a report dir', () => {
    expect(scenarioBlock(html, 'sidecar-containers')).toContain('<a class="artifacts-dir" href="artifacts/sidecar-containers/">');
    expect(artifactHref('/a/b c/kep:1', { reportDir: '/a' })).toBe('b%20c/kep%3A1/');
    expect(artifactHref('../x', { reportDir: 'out', cwd: '/w/p' })).toBe('../../x/');
    expect(artifactHref('/a/b', { reportDir: '/a/b' })).toBe('./');
    expect(artifactHref('/a/b c', {})).toBe('file:///a/b%20c/');
    expect(artifactHref('/a/b', { reportDir: '/a' }, 'pods/web.log')).toBe('b/pods/web.log');
    const listed = renderRunHtml(runReport('/r/art'), { reportDir: '/r', listArtifacts: () => ['events.yaml', 'pods/sidecar-test.log'] });
    expect(listed).toContain('<li><a href="art/pods/sidecar-test.log">pods/sidecar-test.log</a></li>');
  });

  it('shows clusters, including the one that did not come up', () => {
    expect(html).toMatch(/<td>kind-1<\/td><td>kind<\/td><td>v1.33.1<\/td><td><code>kindest\/node:v1.33.1<\/code><\/td><td><span class="badge st-errored">DID NOT COME UP<\/span><pre class="message">kind could not create cluster &quot;kind-1&quot;/);
    expect(html).toMatch(/<td>local-1<\/td><td>local<\/td><td>v1.33.1<\/td><td><\/td><td><span class="badge st-passed">UP<\/span>/);
  });

  it('counts every status', () => {
    expect(html).toContain('<span class="n">4</span> scenarios');
    for (const s of ['passed', 'failed', 'errored', 'skipped']) expect(html).toContain(`<li class="count st-${s}" data-status="${s}"><span class="n">1</span> ${s}</li>`);
    expect(html).toContain('<span class="n">0</span> interrupted');
  });

  it('formats durations', () => {
    expect([formatDuration(12), formatDuration(1_234), formatDuration(95_400)]).toEqual(['12 ms', '1.2 s', '1m 35s']);
  });
});

describe('HTML matrix report', () => {
  const html = renderMatrixHtml(matrixReport('/m/v1/sidecar'), { reportDir: '/m' });
  const row = (id: string): string => {
    const start = html.indexOf(`<tr><th scope="row"><span class="id">${id}</span>`);
    return html.slice(start, html.indexOf('</tr>', start));
  };

  it('has a feature × version table with status, stage and reason per cell', () => {
    expect(html).toContain('<th><span class="label">lab:v1.33.1</span><br><small>v1.33.1</small></th>');
    expect(row('sidecar-containers')).toMatch(/<td class="cell st-passed".*PASSED.*stage beta.*<\/td><td class="cell st-failed".*FAILED.*stage beta.*sidecar did not restart &lt;script&gt;/);
    expect(row('in-place-resize')).toMatch(/SKIPPED<\/span><\/a><span class="reason">needs Kubernetes &gt;= 1.33 \(not in v1.32.5\)<\/span><\/td><td class="cell st-skipped".*stage alpha.*feature gate InPlacePodVerticalScaling is off/);
    expect(row('node-swap')).toMatch(/ERRORED.*ERRORED/);
  });

  it('cells link to their scenario in the version section; anchors are unique', () => {
    expect(row('sidecar-containers')).toContain('href="#v1-1"');
    expect(html).toContain('<details class="scenario st-failed" id="v1-1"');
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('counts per version and in all', () => {
    expect(html).toMatch(/<tr><th scope="row">v1.32.5<\/th><td>v1.32.5<\/td><td class="num" data-status="passed">2<\/td><td class="num" data-status="failed">0<\/td><td class="num" data-status="errored">1<\/td><td class="num" data-status="skipped">1<\/td>/);
    expect(html).toContain('<span class="n">8</span> scenarios');
    expect(html).toContain('<span class="n">3</span> passed');
  });

  it('a feature missing from a version says so', () => {
    const m = matrixReport();
    m.columns[0]!.report.results = m.columns[0]!.report.results.filter((r) => r.id !== 'node-swap');
    expect(renderMatrixHtml(m)).toMatch(/<td class="cell none">not in this run<\/td><td class="cell st-errored"/);
  });
});
