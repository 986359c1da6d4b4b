// What the commands that run scenarios share around a run (the run itself is src/run/): load and
// select scenarios, the run's options, writing the reports, and the exit code of a finished run.
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AppEnv } from './env.js';
import { ExitCode, UsageError } from '../errors.js';
import { runOutcome, type RunOutcome, type RunReport } from '../report/model.js';
import { BUILTIN_SCENARIOS_DIR, loadScenarios } from '../scenario/loader.js';
import { select } from '../plan/select.js';
import { isE2eSelector, parseE2eSelector, type E2eSelector } from '../e2e/selector.js';
import { e2ePlanItem } from '../e2e/plan-item.js';
import type { Scenario } from '../scenario/types.js';

export interface ScenarioSource {
  scenariosDir?: string[];
  /** Include the built-in catalogue (default true unless only --scenarios-dir is wanted). */
  builtin?: boolean;
}

/** The `e2e:` selectors among these, parsed (a bad one is a usage error); refused by commands that run. */
export function upstreamE2eSelectors(selectors: readonly string[], use: 'plan' | 'refuse'): E2eSelector[] {
  const e2e = selectors.filter(isE2eSelector).map(parseE2eSelector);
  if (e2e.length && use === 'refuse') {
    throw new UsageError(`${e2e.map((e) => e.text).join(', ')}: upstream e2e specs run with kindlab test, run and matrix (kindlab plan plans them); this command does not run them yet`, {
      hint: 'kindlab test --k8s-version <a lab release> e2e:…, kindlab run --cluster <name> e2e:…, or kindlab matrix --versions … e2e:…; here, select kindlab scenarios (ids, globs, tag:, kep:)',
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

const EXIT_OF: Record<RunOutcome, number> = { ok: ExitCode.ok, failed: ExitCode.failed, interrupted: ExitCode.interrupted, untested: ExitCode.environment };

/** Exit code of a finished run (the rule is runOutcome's): 130, 1, 3 when it tested nothing, else 0. */
export function runExitCode(report: Pick<RunReport, 'results'>, interrupted: boolean, allowUntested = false): number {
  return EXIT_OF[runOutcome(report, interrupted, allowUntested)];
}

