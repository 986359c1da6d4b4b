// `kindlab matrix`: the same scenarios on several versions, side by side. Each version is one run
// of the run's steps (src/run/steps.ts) with its own target; the columns make a MatrixReport
// (feature × version table, JSON, a JUnit file per version, HTML).
import { dirname, join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { AppEnv } from '../app/env.js';
import * as runs from '../app/scenario-runs.js';
import type { TargetFlags } from '../target/resolve.js';
import { clusterErrorText } from '../app/cluster-error.js';
import { newRunContext, type RunContext } from '../run/context.js';
import { runSteps } from '../run/steps.js';
import { buildReport, notRun } from '../report/results.js';
import { toJUnit } from '../report/junit.js';
import { renderMatrixHtml } from '../report/html.js';
import { listFiles } from '../report/list-files.js';
import { UsageError } from '../errors.js';
import { labBinDirs, labCacheRoot } from '../lab/cache.js';
import type { VersionEntry } from '../plan/matrix-versions.js';
import { inShard } from '../plan/shard.js';
import type { MatrixColumn, MatrixReport, RunReport } from '../report/model.js';
import type { Scenario } from '../scenario/types.js';
import { writeFileAtomic } from '../state/atomic.js';

export interface MatrixRequest extends Omit<TargetFlags, 'ref' | 'image' | 'k8sVersion' | 'binDir'>, runs.RunSettings {
  selectors: string[];
  versions: VersionEntry[];
  /** A folder: one JUnit file per version (<label>.xml). */
  junitDir?: string;
  /** Versions at once (default 1). */
  jobs?: number;
  /** Each version also runs the counter-proofs it can (src/run/counter-proof.ts). */
  counterProof?: boolean;
}

/** Versions at once when the user does not say: one per 4 cores (a control plane and its scenarios keep about 2 busy). */
export function defaultJobs(cores: number): number {
  return Math.max(1, Math.floor(cores / 4));
}

export interface MatrixOutcome {
  report: MatrixReport;
  json: string;
  junit: string[];
  html?: string;
}

/** The target flags a version entry stands for. */
export function targetFor(app: AppEnv, v: VersionEntry): Pick<TargetFlags, 'ref' | 'binDir' | 'k8sVersion'> {
  if (v.kind === 'ref') return { ref: v.ref };
  const lab = labBinDirs(labCacheRoot(app.env)).find((l) => l.version === v.version);
  if (lab) return { binDir: lab.binDir };
  if (v.kind === 'lab') {
    throw new UsageError(`--versions ${v.label}: the lab has no build of ${v.version}`, { hint: `build it with npm run lab -- --k8s-version ${v.version} (from the kindlab checkout), or name the version without lab: to use kind's published image` });
  }
  return { k8sVersion: v.version };
}

const safeName = (label: string): string => label.replace(/[^A-Za-z0-9._-]+/g, '_');

/** The cells (scenario × version) this run, or this shard of it, would run, and what each version stands for. */
export async function matrixCells(app: AppEnv, req: Pick<MatrixRequest, 'selectors' | 'versions' | 'shard' | 'scenariosDir' | 'builtin'>) {
  const selected = await runs.selectScenarios(app, req, req.selectors, 'plan');
  if (selected.length === 0) throw new UsageError('no scenario matches the selectors', { hint: 'kindlab run --list shows the catalogue' });
  // A cell is one scenario on one version; shards split cells, so n runners share the versions too.
  const cells = req.versions.flatMap((v) => selected.map((s) => ({ v, s })));
  const mine = inShard(cells, (c) => `${c.v.label} ${c.s.id}`, req.shard);
  // Every version is checked before the first runs: a missing lab build is a usage error, not a column.
  const targets = new Map(req.versions.map((v) => [v, targetFor(app, v)]));
  return { all: cells.length, mine, targets };
}

export async function matrixWorkflow(app: AppEnv, req: MatrixRequest): Promise<MatrixOutcome> {
  const runId = runs.newRunId();
  const started = performance.now();
  const { all, mine, targets } = await matrixCells(app, req);
  if (req.shard) app.progress(`shard ${req.shard.index}/${req.shard.count}: ${mine.length} of ${all} cell(s)\n`);
  const work = req.versions.map((v, i) => ({ v, i, scenarios: mine.filter((c) => c.v === v).map((c) => c.s) })).filter((w) => w.scenarios.length > 0);
  const done: Array<MatrixColumn | undefined> = new Array(req.versions.length);
  let next = 0;
  // Versions run `jobs` at a time, each with its own clusters; results keep the order asked for.
  const worker = async (): Promise<void> => {
    while (next < work.length && !app.signal.aborted) {
      const w = work[next++]!;
      app.progress(`\n== ${w.v.label}\n`);
      done[w.i] = await column(app, req, w.v, targets.get(w.v)!, w.scenarios, `${runId}-${w.i + 1}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(req.jobs ?? 1, work.length)) }, worker));
  const columns = done.filter((c): c is MatrixColumn => c !== undefined);
  const report: MatrixReport = { runId, startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(), durationMs: performance.now() - started, columns };
  return { report, ...(await writeMatrixReports(app, report, req)) };
}

/** One version: the run's steps with its target. A version that cannot be resolved or built errors its cells. */
async function column(app: AppEnv, req: MatrixRequest, v: VersionEntry, target: ReturnType<typeof targetFor>, scenarios: Scenario[], runId: string): Promise<MatrixColumn> {
  const started = performance.now();
  const opts = runs.executeOptions(app, runId, { ...req, junit: undefined, json: undefined, html: undefined, artifacts: req.artifacts ? join(req.artifacts, safeName(v.label)) : undefined });
  const onPlan = (ctx: RunContext): void => {
    app.progress(`run ${runId}: ${v.label} → ${ctx.plan!.target.description}; ${ctx.plan!.clusters.length} cluster(s), ${ctx.plan!.skips.length} scenario(s) skipped\n`);
  };
  const ctx = newRunContext(app, { flags: { ...req, ...target }, scenarios, opts, namePrefix: `kl-${runId}`, onPlan, missingTestBinary: 'skip', counterProof: req.counterProof }, started);
  try {
    const report = await runSteps(ctx);
    const version = report.clusters.find((c) => !c.error)?.version ?? `v${ctx.plan!.target.version}`;
    return { label: v.label, version, report };
  } catch (e) {
    if (app.signal.aborted) throw e;
    // Not a verdict on any feature: the version could not be had (no image, no build).
    const text = clusterErrorText(e);
    app.progress(`  ${v.label}: ${text.split('\n')[0]}\n`);
    const report: RunReport = buildReport(runId, started, [{ name: '-', provider: '-', version: v.label, error: text }], scenarios.map((s) => notRun(s, '-', 'errored', `${v.label} could not be run: ${text}`)));
    return { label: v.label, version: v.label, report };
  }
}

async function writeMatrixReports(app: AppEnv, report: MatrixReport, req: MatrixRequest): Promise<Omit<MatrixOutcome, 'report'>> {
  const dir = join(app.store.paths.runs, `matrix-${report.runId}`);
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify(report, null, 2) + '\n';
  const json = join(dir, 'matrix.json');
  writeFileAtomic(json, text);
  if (req.json) writeFileAtomic(resolve(app.cwd, req.json), text);
  const junit: string[] = [];
  if (req.junitDir) {
    const out = resolve(app.cwd, req.junitDir);
    mkdirSync(out, { recursive: true });
    for (const c of report.columns) {
      const file = join(out, `${safeName(c.label)}.xml`);
      writeFileAtomic(file, toJUnit(c.report));
      junit.push(file);
    }
  }
  let html: string | undefined;
  if (req.html) {
    html = resolve(app.cwd, req.html);
    mkdirSync(dirname(html), { recursive: true });
    writeFileAtomic(html, renderMatrixHtml(report, { reportDir: dirname(html), cwd: app.cwd, listArtifacts: listFiles }));
  }
  return { json, junit, html };
}
