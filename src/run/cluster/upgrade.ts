// A cluster's run with --upgrade-to: its scenarios at the old version, the objects of scenarios
// that keep some across the upgrade created, the upgrade (src/workflows/upgrade.ts), then the same
// scenarios at the new version and the kept objects checked. Every result names its phase.
import { phasesOf } from '../../app/env.js';
import type { ClusterUpgrade, ScenarioResult, UpgradePhase } from '../../report/model.js';
import { notRun } from '../../report/results.js';
import { namespaceFor, type RunTarget } from '../../scenario/runner.js';
import type { Scenario } from '../../scenario/types.js';
import type { ClusterRecord } from '../../state/records.js';
import { upgradeCluster } from '../../workflows/upgrade.js';
import type { RunContext } from '../context.js';
import { targetFromRecord } from './connect.js';
import { runScenarios } from './run-scenarios.js';

const inPhase = (rs: ScenarioResult[], phase: UpgradePhase): ScenarioResult[] => rs.map((r) => ({ ...r, phase }));

export async function runAcrossUpgrade(ctx: RunContext, rec: ClusterRecord, own: Scenario[], target: RunTarget): Promise<{ results: ScenarioResult[]; upgrade: ClusterUpgrade }> {
  const { app, request } = ctx;
  const up = request.upgrade!;
  const keeping = own.filter((s) => s.acrossUpgrade);
  // The kept objects are made while the phase runs (a half waits on its own, e.g. for a CronJob).
  const [phase, halves] = await Promise.all([runScenarios(app, own, target, request.opts), Promise.all(keeping.map((s) => half(ctx, s, 'before', target)))]);
  const results = inPhase(phase, 'before-upgrade');
  const kept = new Map(keeping.map((s, i) => [s.id, halves[i]!]));

  const started = performance.now();
  app.progress(`upgrading cluster ${rec.name}: ${target.info.gitVersion} → ${up.to}\n`);
  let upgrade: ClusterUpgrade;
  try {
    const out = await upgradeCluster(app, rec, { ...up, kubeRoot: ctx.upgradeTo?.kubeRoot ?? up.kubeRoot }, phasesOf(app));
    upgrade = { from: out.from, to: out.to, seconds: out.seconds, ...(out.kubeletsStay ? { kubeletsStay: true } : {}), steps: out.steps };
  } catch (e) {
    const error = app.signal.aborted ? 'interrupted' : (e as Error).message;
    upgrade = { from: target.info.gitVersion, to: ctx.upgradeTo?.version ?? up.to, seconds: (performance.now() - started) / 1000, steps: [], error };
    const status = app.signal.aborted ? 'interrupted' : 'errored';
    const message = `not run: the upgrade of ${rec.name} to ${upgrade.to} failed: ${error}`;
    results.push(...inPhase(own.map((s) => notRun(s, rec.name, status, message)), 'after-upgrade'));
    for (const s of keeping) results.push({ ...notRun(s, rec.name, status, message), phase: 'across-upgrade' });
    return { results, upgrade };
  }

  const after = await targetFromRecord(app, app.store.getCluster(rec.name) ?? rec);
  const checked = async (s: Scenario): Promise<ScenarioResult> => {
    const first = kept.get(s.id)!;
    if (first.status !== 'passed') return { ...first, phase: 'across-upgrade', message: `before the upgrade: ${first.message ?? first.status}` };
    const second = await half(ctx, s, 'after', after);
    return { ...second, phase: 'across-upgrade', steps: [...first.steps, ...second.steps], logs: [...first.logs, ...second.logs], durationMs: first.durationMs + second.durationMs };
  };
  const [again, across] = await Promise.all([runScenarios(app, own, after, request.opts), Promise.all(keeping.map(checked))]);
  results.push(...inPhase(again, 'after-upgrade'), ...across);
  return { results, upgrade };
}

/** One half of a scenario's AcrossUpgrade, in the namespace both halves share (kept after `before` passes). */
async function half(ctx: RunContext, s: Scenario, which: 'before' | 'after', target: RunTarget): Promise<ScenarioResult> {
  const { app, request } = ctx;
  const across = s.acrossUpgrade!;
  const name = namespaceFor(`${s.id}-across`, request.opts.runId);
  const started = performance.now();
  try {
    return await app.clusterApi.runScenario({ ...s, run: which === 'before' ? across.before : across.after }, target, {
      runId: request.opts.runId,
      timeoutSeconds: request.opts.timeoutSeconds,
      keep: request.opts.keep,
      artifactsDir: request.opts.artifactsDir,
      runner: app.runner,
      signal: app.signal,
      namespace: which === 'before' ? { name, keep: true } : { name, existing: true },
    });
  } catch (e) {
    return { ...notRun(s, target.name, app.signal.aborted ? 'interrupted' : 'errored', `could not run the scenario: ${(e as Error).message}`), durationMs: performance.now() - started };
  }
}
