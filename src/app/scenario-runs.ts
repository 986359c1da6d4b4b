// Running scenarios on a target, shared by the workflows (run, test, matrix, bisect): load and
// select scenarios, turn a cluster into a run target, run with progress, and write the reports.
// The engine itself is src/scenario/; the pure parts live in src/plan and src/report.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppEnv } from './env.js';
import { providerContext } from './env.js';
import { ExitCode, UsageError } from '../errors.js';
import { writeFileAtomic } from '../state/atomic.js';
import type { ClusterRecord } from '../state/records.js';
import { runOutcome, type RunOutcome, type RunReport, type ScenarioResult } from '../report/model.js';
import { BUILTIN_SCENARIOS_DIR, loadScenarios } from '../scenario/loader.js';
import { select } from '../plan/select.js';
import { isE2eSelector, parseE2eSelector, type E2eSelector } from '../e2e/selector.js';
import { e2ePlanItem } from '../e2e/plan-item.js';
import type { PlanSkip } from '../plan/planner.js';
import type { ClusterInfo, Scenario } from '../scenario/types.js';
import type { RunTarget } from '../scenario/runner.js';

export interface ScenarioSource {
  scenariosDir?: string[];
  /** Include the built-in catalogue (default true unless only --scenarios-dir is wanted). */
  builtin?: boolean;
}

/** The `e2e:` selectors among these, parsed (a bad one is a usage error); refused by commands that run. */
export function upstreamE2eSelectors(selectors: readonly string[], use: 'plan' | 'refuse'): E2eSelector[] {
  const e2e = selectors.filter(isE2eSelector).map(parseE2eSelector);
  if (e2e.length && use === 'refuse') {
    throw new UsageError(`${e2e.map((e) => e.text).join(', ')}: upstream e2e specs run with kindlab test and kindlab run (kindlab plan plans them); this command does not run them yet`, {
      hint: 'kindlab test --k8s-version <a lab release> e2e:…, or kindlab run --cluster <name> e2e:…; here, select kindlab scenarios (ids, globs, tag:, kep:)',
    });
  }
  return e2e;
}

/**
 * The scenarios the selectors pick. `e2e:` selectors (upstream specs) are checked first — a bad
 * focus or label filter is a usage error before anything loads — and become plan items where
 * `upstreamE2e` is 'plan'; commands that run refuse them until kindlab runs upstream specs.
 */
export async function selectScenarios(ctx: AppEnv, src: ScenarioSource, selectors: string[], upstreamE2e: 'plan' | 'refuse' = 'refuse'): Promise<Scenario[]> {
  const e2e = upstreamE2eSelectors(selectors, upstreamE2e);
  const own = selectors.filter((s) => !isE2eSelector(s));
  const dirs = [...(src.builtin === false ? [] : [BUILTIN_SCENARIOS_DIR]), ...(src.scenariosDir ?? []).map((d) => resolve(ctx.cwd, d))];
  return withUpstreamItems(own.length || !e2e.length ? await loadScenarios(dirs) : [], own, e2e);
}

/**
 * kindlab's scenarios the selectors pick, then the upstream selections as plan items. Only e2e:
 * selectors pick none of kindlab's own scenarios (no selector at all still means all).
 */
export function withUpstreamItems(all: readonly Scenario[], own: readonly string[], e2e: readonly E2eSelector[]): Scenario[] {
  const scenarios = own.length || !e2e.length ? select(all, own) : [];
  return [...scenarios, ...e2e.map((sel) => e2ePlanItem(sel))];
}

export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

/** The kubectl a run uses: $KINDLAB_KUBECTL, then one next to the cluster's binaries, then PATH. */
export function kubectlFor(env: NodeJS.ProcessEnv, binDir?: string): string {
  if (env.KINDLAB_KUBECTL) return env.KINDLAB_KUBECTL;
  if (binDir && existsSync(join(binDir, 'kubectl'))) return join(binDir, 'kubectl');
  return 'kubectl';
}

export async function targetFromRecord(ctx: AppEnv, rec: ClusterRecord): Promise<RunTarget> {
  const { readClusterInfo } = await import('../scenario/cluster-info.js');
  const info = await readClusterInfo(rec.kubeconfig, rec.provider, rec.profile.featureGates, ctx.signal);
  const { capabilitiesOf } = await import('../cluster/providers.js');
  if (!capabilitiesOf(rec.provider).nodes) info.hasNodes = false;
  info.loadedImages = rec.loadedImages;
  const target: RunTarget = { name: rec.name, kubeconfigPath: rec.kubeconfig, info, kubectl: kubectlFor(ctx.env, rec.local?.binDir) };
  // Whichever provider made the cluster collects its logs (kind export logs, local component logs).
  const { getProvider } = await import('../cluster/providers.js');
  const { canExportLogs, canListNodeImages } = await import('../cluster/provider.js');
  const provider = await getProvider(rec.provider);
  if (canListNodeImages(provider)) {
    const images = await provider.nodeImages(rec, providerContext(ctx)).catch(() => []);
    if (images.length) info.nodeImages = images;
  }
  if (canExportLogs(provider)) target.exportLogs = (dir) => provider.exportLogs(rec, dir, providerContext(ctx));
  return target;
}

export async function targetFromKubeconfig(ctx: AppEnv, path: string): Promise<RunTarget> {
  if (!existsSync(path)) throw new UsageError(`kubeconfig ${path} does not exist`, { hint: 'pass --kubeconfig, set KUBECONFIG, or use --cluster NAME for a kindlab cluster' });
  const { readClusterInfo } = await import('../scenario/cluster-info.js');
  const info: ClusterInfo = await readClusterInfo(path, 'existing', {}, ctx.signal);
  return { name: 'existing', kubeconfigPath: path, info, kubectl: kubectlFor(ctx.env) };
}

/** What a command that runs scenarios is told about how to run them and where reports go. */
export interface RunSettings {
  scenariosDir: string[];
  builtin: boolean;
  parallel: number;
  timeoutSeconds?: number;
  keep?: boolean;
  artifacts?: string;
  json?: string;
  html?: string;
  shard?: import('../plan/shard.js').Shard;
}

export interface ExecuteOptions {
  runId: string;
  parallel: number;
  timeoutSeconds?: number;
  keep: boolean;
  artifactsDir: string;
  junit?: string;
  json?: string;
  html?: string;
}

/** Run options from the flags `run` and `test` share. */
export function executeOptions(
  ctx: AppEnv,
  runId: string,
  f: { parallel: number; timeoutSeconds?: number; keep?: boolean; artifacts?: string; junit?: string; json?: string; html?: string },
): ExecuteOptions {
  return {
    runId,
    parallel: f.parallel,
    timeoutSeconds: f.timeoutSeconds,
    keep: Boolean(f.keep),
    artifactsDir: f.artifacts ?? join(ctx.store.paths.runs, runId, 'artifacts'),
    junit: f.junit,
    json: f.json,
    html: f.html,
  };
}

/** The report of a run that started at `started` (performance.now()). */
export function buildReport(runId: string, started: number, clusters: RunReport['clusters'], results: ScenarioResult[]): RunReport {
  const durationMs = performance.now() - started;
  return { runId, startedAt: new Date(Date.now() - durationMs).toISOString(), durationMs, clusters, results };
}

export async function executeOnTarget(ctx: AppEnv, scenarios: Scenario[], target: RunTarget, o: ExecuteOptions): Promise<ScenarioResult[]> {
  const { runOne } = await import('../scenario/runner.js');
  const { runWithProgress, plainProgress } = await import('../report/progress.js');
  const plain = plainProgress(ctx.env, ctx.interactive);
  return runWithProgress(
    scenarios.map((s) => ({
      id: s.id,
      cluster: target.name,
      run: async (onStep) => {
        const started = performance.now();
        try {
          const r = await runOne(s, target, {
            runId: o.runId,
            timeoutSeconds: o.timeoutSeconds,
            keep: o.keep,
            artifactsDir: o.artifactsDir,
            runner: ctx.runner,
            signal: ctx.signal,
            hooks: { onStep: (_id, step) => onStep(step) },
          });
          return r;
        } catch (e) {
          // The runner itself could not run the scenario (kubeconfig unreadable, ...): an error,
          // not a failure of the feature; reported instead of dropped.
          const status = ctx.signal.aborted ? 'interrupted' : 'errored';
          return { ...notRun(s, target.name, status, `could not run the scenario: ${(e as Error).message}`), durationMs: performance.now() - started };
        }
      },
    })),
    o.parallel,
    plain,
  );
}

/** A result for a scenario that did not run (its cluster did not come up, --fail-fast, Ctrl-C). */
export function notRun(s: Pick<Scenario, 'id' | 'title' | 'kep'>, cluster: string, status: ScenarioResult['status'], message: string): ScenarioResult {
  // Not run is never a verdict on the feature.
  return { id: s.id, title: s.title, kep: s.kep, cluster, status, ...(status === 'skipped' ? { skipKind: 'environment' as const } : {}), message, steps: [], logs: [], durationMs: 0 };
}

export function skippedResults(skips: PlanSkip[], scenarios: Scenario[], cluster: string): ScenarioResult[] {
  return skips.map((sk) => {
    const s = scenarios.find((x) => x.id === sk.id);
    return { id: sk.id, title: s?.title ?? sk.id, kep: s?.kep, cluster, status: 'skipped', skipKind: sk.kind, message: sk.reason, steps: [], logs: [], durationMs: 0 };
  });
}

export interface WrittenReports {
  /** The JSON report kept in the run folder. */
  json: string;
  junit?: string;
  html?: string;
  /** Reports the user asked for that could not be written at the end (checked before the run, so rare). */
  failed: { flag: string; path: string; error: string }[];
}

/** Writes the JSON report into the run folder, and the JUnit/JSON/HTML files the user asked for. */
export async function writeReports(ctx: AppEnv, report: RunReport, o: ExecuteOptions): Promise<WrittenReports> {
  const { toJUnit } = await import('../report/junit.js');
  const json = JSON.stringify(report, null, 2) + '\n';
  const runDir = join(ctx.store.paths.runs, report.runId);
  mkdirSync(runDir, { recursive: true });
  const written: WrittenReports = { json: join(runDir, 'report.json'), failed: [] };
  writeFileAtomic(written.json, json);
  // Each report on its own: one that cannot be written does not cost the others, or the summary.
  const out = (flag: string, file: string, text: () => string): string | undefined => {
    const path = resolve(ctx.cwd, file);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomic(path, text());
      return path;
    } catch (e) {
      written.failed.push({ flag, path, error: (e as Error).message });
      return undefined;
    }
  };
  if (o.json) out('--json', o.json, () => json);
  if (o.junit) written.junit = out('--junit', o.junit, () => toJUnit(report));
  if (o.html) {
    const { renderRunHtml } = await import('../report/html.js');
    const { listFiles } = await import('../report/list-files.js');
    const path = resolve(ctx.cwd, o.html);
    written.html = out('--html', o.html, () => renderRunHtml(report, { reportDir: dirname(path), cwd: ctx.cwd, listArtifacts: listFiles }));
  }
  return written;
}

const EXIT_OF: Record<RunOutcome, number> = { ok: ExitCode.ok, failed: ExitCode.failed, interrupted: ExitCode.interrupted, untested: ExitCode.environment };

/** Exit code of a finished run (the rule is runOutcome's): 130, 1, 3 when it tested nothing, else 0. */
export function runExitCode(report: Pick<RunReport, 'results'>, interrupted: boolean, allowUntested = false): number {
  return EXIT_OF[runOutcome(report, interrupted, allowUntested)];
}

/**
 * Before a run on a cluster kindlab created: images the scenarios need that its nodes lack are
 * loaded from the local docker daemon, where the provider can (kind). What is in neither place
 * stays missing, and the runner skips the scenarios that need it with the image's name.
 */
export async function loadMissingImages(ctx: AppEnv, rec: ClusterRecord, target: RunTarget, scenarios: readonly Scenario[]): Promise<void> {
  const { requirementsFor } = await import('../plan/requirements.js');
  const { missingImages } = await import('../scenario/runner.js');
  const { getProvider } = await import('../cluster/providers.js');
  const { canLoadImages } = await import('../cluster/provider.js');
  const { Docker } = await import('../docker/docker.js');
  const provider = await getProvider(rec.provider);
  if (!canLoadImages(provider)) return;
  const wanted = [...new Set(scenarios.flatMap((s) => requirementsFor(s, target.info).images))];
  const docker = new Docker(ctx.runner, ctx.signal);
  const loadable: string[] = [];
  for (const ref of missingImages(wanted, target.info)) if (await docker.imageInfo(ref)) loadable.push(ref);
  if (loadable.length === 0) return;
  ctx.progress(`loading into ${rec.name} from the local docker daemon: ${loadable.join(', ')}\n`);
  await provider.loadImages(rec, loadable, providerContext(ctx));
  target.info.loadedImages = [...(target.info.loadedImages ?? []), ...loadable];
}
