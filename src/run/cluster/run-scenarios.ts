// A cluster's scenarios, `parallel` at a time, each through the cluster API's runner, with live
// progress. A scenario the runner itself cannot run is an error of that scenario, not a dropped one.
import type { AppEnv } from '../../app/env.js';
import type { ExecuteOptions } from '../../app/scenario-runs.js';
import { notRun } from '../../report/results.js';
import { plainProgress, runWithProgress } from '../../report/progress.js';
import type { ScenarioResult } from '../../report/model.js';
import type { RunTarget } from '../../scenario/runner.js';
import type { Scenario } from '../../scenario/types.js';
import { limit } from './limit.js';

export async function runScenarios(app: AppEnv, scenarios: Scenario[], target: RunTarget, o: ExecuteOptions): Promise<ScenarioResult[]> {
  const slot = limit(o.parallel);
  const runOne = async (s: Scenario, onStep: (step: string) => void): Promise<ScenarioResult> => {
    const started = performance.now();
    try {
      return await app.clusterApi.runScenario(s, target, {
        runId: o.runId,
        timeoutSeconds: o.timeoutSeconds,
        keep: o.keep,
        artifactsDir: o.artifactsDir,
        runner: app.runner,
        signal: app.signal,
        hooks: { onStep: (_id, step) => onStep(step) },
      });
    } catch (e) {
      // The runner could not run the scenario (kubeconfig unreadable, ...): an error, not a failure of the feature.
      const status = app.signal.aborted ? 'interrupted' : 'errored';
      return { ...notRun(s, target.name, status, `could not run the scenario: ${(e as Error).message}`), durationMs: performance.now() - started };
    }
  };
  const items = scenarios.map((s) => ({ id: s.id, cluster: target.name, run: (onStep: (step: string) => void) => slot(() => runOne(s, onStep)) }));
  return runWithProgress(items, o.parallel, plainProgress(app.env, app.interactive));
}
