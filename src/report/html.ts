// A self-contained HTML report of a run or a matrix: one file with inline CSS and a few lines of
// inline JS, no external resources, so it can be opened from disk, attached to a CI job or mailed.
// Pure: it renders what the model holds (tokens are redacted before results reach the model) and
// reads nothing; the caller writes the string and may pass a lister for the artifact folders.
//
// Every string from the model goes through esc(). The Content-Security-Policy only allows the one
// script below (by hash), so a slip in escaping would still not run injected script.
import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StepRecord } from '../scenario/context.js';
import { counts, RESULT_STATUSES, type ClusterSummary, type MatrixReport, type ResultStatus, type RunReport, type ScenarioResult, stageLabel } from './model.js';

export interface HtmlReportOptions {
  /**
   * The directory the HTML file will be written to. Artifact links are then relative to it, so a
   * report and its artifacts can be archived or moved together. Without it links are file:// URLs.
   */
  reportDir?: string;
  /** What a relative ScenarioResult.artifactsDir is relative to (the CLI's cwd). Default: process.cwd(). */
  cwd?: string;
  /** Replaces the page title ("kindlab run <id>" / "kindlab matrix <id>"). */
  title?: string;
  /**
   * Lists the files of an artifacts folder (paths relative to it, '/'-separated) so each gets a
   * link of its own; the CLI passes a directory walk. Without it only the folder is linked.
   */
  listArtifacts?: (artifactsDir: string) => readonly string[];
}

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

const LABEL: Record<ResultStatus, string> = { passed: 'PASSED', failed: 'FAILED', errored: 'ERRORED', skipped: 'SKIPPED', interrupted: 'INTERRUPTED' };

function badge(status: ResultStatus | StepRecord['status']): string {
  return `<span class="badge st-${status}">${LABEL[status]}</span>`;
}

/** Where the browser should go for a folder (or a file in it), relative to the report when it can be. */
export function artifactHref(artifactsDir: string, opts: Pick<HtmlReportOptions, 'reportDir' | 'cwd'> = {}, file?: string): string {
  const abs = resolve(opts.cwd ?? process.cwd(), artifactsDir);
  const target = file ? resolve(abs, file) : abs;
  const trail = file ? '' : '/';
  if (!opts.reportDir) return pathToFileURL(target).href + trail;
  const rel = relative(resolve(opts.cwd ?? process.cwd(), opts.reportDir), target);
  // On another drive (Windows) there is no relative path; an absolute URL still works locally.
  if (isAbsolute(rel)) return pathToFileURL(target).href + trail;
  // Each segment encoded: a name like "kep:3140" would otherwise read as a URL scheme.
  const path = rel === '' ? '.' : rel.split(sep).map(encodeURIComponent).join('/');
  return path + trail;
}

/**
 * Assertion messages carry their diff after the first line: unified-diff style "-"/"+" lines and
 * assert.equal's "expected:"/"actual:" pair. They get classes (and keep their sign, so the
 * difference does not depend on colour).
 */
function messageBlock(message: string): string {
  const lines = message.split('\n').map((line) => {
    const cls = /^(-|expected:)/.test(line) ? 'del' : /^(\+|actual:)/.test(line) ? 'add' : '';
    return cls ? `<span class="${cls}">${esc(line)}</span>` : esc(line);
  });
  return `<pre class="message">${lines.join('\n')}</pre>`;
}

function stepsTable(steps: readonly StepRecord[]): string {
  if (!steps.length) return '';
  const rows = steps
    .map((s) => `<tr class="step st-${s.status}"><td>${esc(s.name)}</td><td>${badge(s.status)}</td><td class="num">${esc(formatDuration(s.durationMs))}</td><td>${s.error ? messageBlock(s.error) : ''}</td></tr>`)
    .join('\n');
  return `<table class="steps"><thead><tr><th>step</th><th>result</th><th>time</th><th>error</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function artifacts(r: ScenarioResult, opts: HtmlReportOptions): string {
  if (!r.artifactsDir) return '';
  const files = opts.listArtifacts?.(r.artifactsDir) ?? [];
  const list = files.length ? `<ul class="files">${files.map((f) => `<li><a href="${esc(artifactHref(r.artifactsDir ?? '', opts, f))}">${esc(f)}</a></li>`).join('')}</ul>` : '';
  return `<div class="artifacts">Artifacts: <a class="artifacts-dir" href="${esc(artifactHref(r.artifactsDir, opts))}">${esc(r.artifactsDir)}</a>${list}</div>`;
}

const firstLine = (s: string | undefined): string => (s ?? '').split('\n')[0] ?? '';

function scenario(r: ScenarioResult, anchor: string, opts: HtmlReportOptions): string {
  // What needs a look opens by default; passes and skips stay one line each.
  const open = r.status === 'failed' || r.status === 'errored' || r.status === 'interrupted' || r.counterProof?.verdict === 'not-counter-proved';
  const meta = [
    `cluster ${esc(r.cluster)}`,
    ...(r.phase ? [`<b>${esc(r.phase)}</b>`] : []),
    ...(r.stage ? [`stage ${esc(stageLabel(r.stage))}`] : []),
    ...(r.kep !== undefined ? [`KEP ${esc(r.kep)}`] : []),
    esc(formatDuration(r.durationMs)),
    ...(r.timedOut ? ['timed out'] : []),
  ].join(' · ');
  // A skip reason is all a skipped scenario has to say: on the line itself, not behind a click.
  const reason =
    r.status === 'skipped' && r.message
      ? `<span class="reason">${esc(firstLine(r.message))}</span>`
      : r.status === 'passed' && r.partial?.length
        ? `<span class="partial">partial — not covered here: ${esc(r.partial.join('; '))}</span>`
        : '';
  const cp = r.counterProof ? `<span class="counter cp-${r.counterProof.verdict}" title="${esc(`${r.counterProof.how ? `${r.counterProof.how}: ` : ''}${r.counterProof.detail}`)}">${esc(r.counterProof.verdict)}</span>` : '';
  const body: string[] = [];
  if (r.counterProof) body.push(`<p class="counter-proof">counter-proof: <b>${esc(r.counterProof.verdict)}</b>${r.counterProof.how ? ` (${esc(r.counterProof.how)})` : ''}: ${esc(r.counterProof.detail)}</p>`);
  if (r.message && (r.status !== 'skipped' || r.message.includes('\n'))) {
    const where = r.failedStep ? `<p class="where">at step <b>${esc(r.failedStep)}</b></p>` : '';
    body.push(`<div class="failure">${where}${messageBlock(r.message)}</div>`);
  }
  body.push(stepsTable(r.steps));
  if (r.logs.length) body.push(`<h4>log</h4><pre class="logs">${r.logs.map(esc).join('\n')}</pre>`);
  body.push(artifacts(r, opts));
  if (r.namespace) body.push(`<p class="ns">namespace <code>${esc(r.namespace)}</code></p>`);
  const content = body.filter(Boolean).join('\n') || '<p class="empty">nothing recorded</p>';
  return `<details class="scenario st-${r.status}" id="${anchor}" data-status="${r.status}"${open ? ' open' : ''}>
<summary>${badge(r.status)} <span class="id">${esc(r.id)}</span> <span class="title">${esc(r.title)}</span> <span class="meta">${meta}</span>${cp}${reason}</summary>
<div class="body">
${content}
</div>
</details>`;
}

function countsList(c: Record<ResultStatus, number>, total: number): string {
  const items = RESULT_STATUSES.map((s) => `<li class="count st-${s}" data-status="${s}"><span class="n">${c[s]}</span> ${s}</li>`).join('');
  return `<ul class="counts"><li class="count total" data-status="total"><span class="n">${total}</span> scenarios</li>${items}</ul>`;
}

function clustersTable(clusters: readonly ClusterSummary[]): string {
  if (!clusters.length) return '';
  const rows = clusters
    .map(
      (k) =>
        `<tr class="${k.error ? 'cluster-error' : ''}"><td>${esc(k.name)}</td><td>${esc(k.provider)}</td><td>${esc(k.version)}${k.upgrade ? ` → ${esc(k.upgrade.to)}${k.upgrade.kubeletsStay ? ' (kubelets stay)' : ''}` : ''}</td><td>${k.image ? `<code>${esc(k.image)}</code>` : ''}</td><td>${
          k.error
            ? `<span class="badge st-errored">DID NOT COME UP</span>${messageBlock(k.error)}`
            : k.upgrade?.error
              ? `<span class="badge st-errored">UPGRADE FAILED</span>${messageBlock(k.upgrade.error)}`
              : `<span class="badge st-passed">UP</span>${k.upgrade ? ` upgraded in ${esc(k.upgrade.seconds.toFixed(1))} s: ${esc(k.upgrade.steps.map((x) => `${x.step} on ${x.where} (${x.seconds.toFixed(1)} s)`).join('; '))}` : ''}`
        }</td></tr>`,
    )
    .join('\n');
  return `<table class="clusters"><thead><tr><th>cluster</th><th>provider</th><th>version</th><th>image</th><th>state</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function runBody(report: RunReport, prefix: string, opts: HtmlReportOptions): string {
  const scenarios = report.results.map((r, i) => scenario(r, `${prefix}-${i}`, opts)).join('\n');
  return `${clustersTable(report.clusters)}
<div class="scenarios">
${scenarios || '<p class="empty">no scenarios</p>'}
</div>`;
}

const SCRIPT = `for (const b of document.querySelectorAll('button[data-open]')) b.addEventListener('click', () => { for (const d of document.querySelectorAll('details.scenario')) d.open = b.dataset.open === 'all'; });`;
const SCRIPT_HASH = createHash('sha256').update(SCRIPT).digest('base64');

const CSS = `
:root { --passed:#1a7f37; --failed:#cf222e; --errored:#bc4c00; --skipped:#6e7781; --interrupted:#8250df; font-family: system-ui, sans-serif; color:#1f2328; }
body { margin: 1.5rem; max-width: 1200px; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; } h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; } h4 { margin: .6rem 0 .2rem; font-size: .9rem; }
.run-meta { color:#59636e; margin: 0 0 .8rem; }
.counts { list-style: none; padding: 0; display: flex; gap: .5rem; flex-wrap: wrap; margin: .5rem 0; }
.count { border: 1px solid #d1d9e0; border-left: 5px solid var(--c, #d1d9e0); border-radius: 4px; padding: .25rem .6rem; }
.count .n { font-weight: 700; }
.st-passed { --c: var(--passed); } .st-failed { --c: var(--failed); } .st-errored { --c: var(--errored); } .st-skipped { --c: var(--skipped); } .st-interrupted { --c: var(--interrupted); }
.badge { display: inline-block; min-width: 6.5em; text-align: center; font-size: .75rem; font-weight: 700; color: #fff; background: var(--c, #6e7781); border-radius: 3px; padding: .1rem .3rem; }
table { border-collapse: collapse; margin: .4rem 0; } th, td { border: 1px solid #d1d9e0; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; white-space: nowrap; }
.matrix td.cell { border-left: 4px solid var(--c, #d1d9e0); }
.cell .reason, .cell .msg, .cell .stage, .cell .cluster { display: block; font-size: .8rem; color: #59636e; }
details.scenario { border: 1px solid #d1d9e0; border-left: 5px solid var(--c); border-radius: 4px; margin: .35rem 0; }
details.scenario > summary { cursor: pointer; padding: .35rem .5rem; }
details.scenario .id { font-weight: 600; font-family: ui-monospace, monospace; } details.scenario .meta { color: #59636e; font-size: .85rem; }
details.scenario .reason { display: block; margin: .2rem 0 0 7.5em; color: #59636e; }
details.scenario .partial { display: block; margin: .2rem 0 0 7.5em; color: #9a6700; }
.counter { margin-left: .5em; padding: 0 .4em; border-radius: 3px; font-size: .85em; }
.cp-counter-proved { background: #dafbe1; color: #1a7f37; }
.cp-not-counter-proved { background: #ffebe9; color: #cf222e; font-weight: bold; }
.cp-inconclusive, .cp-not-possible { background: #f6f8fa; color: #57606a; }
details.scenario > .body { padding: 0 .8rem .6rem; }
pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: .3rem 0; }
pre .del, pre .add { display: inline-block; width: 100%; } pre .del { background: #ffebe9; color: #82071e; } pre .add { background: #dafbe1; color: #116329; }
.cluster-error td { background: #fff8f5; }
.toolbar button { margin-right: .4rem; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const toolbar = `<p class="toolbar"><button type="button" data-open="all">Expand all</button><button type="button" data-open="none">Collapse all</button></p>`;

export function renderRunHtml(report: RunReport, opts: HtmlReportOptions = {}): string {
  const title = opts.title ?? `kindlab run ${report.runId}`;
  const body = `<header>
<h1>${esc(title)}</h1>
<p class="run-meta">started ${esc(report.startedAt)} · took ${esc(formatDuration(report.durationMs))}</p>
${countsList(counts(report), report.results.length)}
</header>
<h2>Clusters and scenarios</h2>
${toolbar}
${runBody(report, 's', opts)}`;
  return page(title, body);
}

function matrixCell(results: ReadonlyArray<{ r: ScenarioResult; anchor: string }>): string {
  if (!results.length) return `<td class="cell none">not in this run</td>`;
  // One result per cell is the usual case; a run over several clusters of one version has more.
  const status = results.find((x) => x.r.status !== 'passed' && x.r.status !== 'skipped')?.r.status ?? results[0]?.r.status ?? 'skipped';
  const parts = results.map(({ r, anchor }) => {
    const who = results.length > 1 ? `<span class="cluster">${esc(r.cluster)}</span>` : '';
    const stage = r.stage ? `<span class="stage">stage ${esc(stageLabel(r.stage))}</span>` : '';
    const why = r.status === 'skipped' ? `<span class="reason">${esc(firstLine(r.message))}</span>` : r.status !== 'passed' && r.message ? `<span class="msg">${esc(firstLine(r.message))}</span>` : '';
    return `<a href="#${anchor}">${badge(r.status)}</a>${who}${stage}${why}`;
  });
  return `<td class="cell st-${status}" data-status="${status}">${parts.join('')}</td>`;
}

export function renderMatrixHtml(report: MatrixReport, opts: HtmlReportOptions = {}): string {
  const title = opts.title ?? `kindlab matrix ${report.runId}`;
  // Rows in the order features first appear, so the usual case (same plan per version) keeps the run's order.
  const rows = new Map<string, string>();
  for (const col of report.columns) for (const r of col.report.results) if (!rows.has(r.id)) rows.set(r.id, r.title);
  const anchors = report.columns.map((col, ci) => col.report.results.map((r, i) => ({ r, anchor: `v${ci}-${i}` })));

  const head = report.columns.map((col) => `<th><span class="label">${esc(col.label)}</span>${col.version && col.version !== col.label ? `<br><small>${esc(col.version)}</small>` : ''}</th>`).join('');
  const bodyRows = [...rows]
    .map(([id, t]) => `<tr><th scope="row"><span class="id">${esc(id)}</span>${t && t !== id ? `<br><small>${esc(t)}</small>` : ''}</th>${anchors.map((a) => matrixCell(a.filter((x) => x.r.id === id))).join('')}</tr>`)
    .join('\n');
  const matrix = `<table class="matrix"><thead><tr><th>feature</th>${head}</tr></thead><tbody>\n${bodyRows}\n</tbody></table>`;

  const perVersion = report.columns
    .map((col) => {
      const c = counts(col.report);
      return `<tr><th scope="row">${esc(col.label)}</th><td>${esc(col.version)}</td>${RESULT_STATUSES.map((s) => `<td class="num" data-status="${s}">${c[s]}</td>`).join('')}<td class="num">${esc(formatDuration(col.report.durationMs))}</td></tr>`;
    })
    .join('\n');
  const versions = `<table class="versions"><thead><tr><th>version</th><th>reported</th>${RESULT_STATUSES.map((s) => `<th>${s}</th>`).join('')}<th>time</th></tr></thead><tbody>\n${perVersion}\n</tbody></table>`;

  const total: Record<ResultStatus, number> = { passed: 0, failed: 0, skipped: 0, errored: 0, interrupted: 0 };
  let n = 0;
  for (const col of report.columns) {
    const c = counts(col.report);
    for (const s of RESULT_STATUSES) total[s] += c[s];
    n += col.report.results.length;
  }

  const sections = report.columns
    .map((col, ci) => `<section class="column" id="v${ci}">
<h2>${esc(col.label)}${col.version && col.version !== col.label ? ` <small>(${esc(col.version)})</small>` : ''}</h2>
<p class="run-meta">run ${esc(col.report.runId)} · started ${esc(col.report.startedAt)} · took ${esc(formatDuration(col.report.durationMs))}</p>
${countsList(counts(col.report), col.report.results.length)}
${runBody(col.report, `v${ci}`, opts)}
</section>`)
    .join('\n');

  const body = `<header>
<h1>${esc(title)}</h1>
<p class="run-meta">started ${esc(report.startedAt)} · took ${esc(formatDuration(report.durationMs))} · ${report.columns.length} versions</p>
${countsList(total, n)}
</header>
<h2>Features by version</h2>
${matrix}
${versions}
${toolbar}
${sections}`;
  return page(title, body);
}
