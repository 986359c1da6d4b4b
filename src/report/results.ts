// Results for scenarios that did not run, and the report of a run: pure.
import type { PlanSkip } from '../plan/planner.js';
import type { Scenario } from '../scenario/types.js';
import type { RunReport, ScenarioResult } from './model.js';

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

/** The report of a run that started at `started` (performance.now()). */
export function buildReport(runId: string, started: number, clusters: RunReport['clusters'], results: ScenarioResult[]): RunReport {
  const durationMs = performance.now() - started;
  return { runId, startedAt: new Date(Date.now() - durationMs).toISOString(), durationMs, clusters, results };
}
