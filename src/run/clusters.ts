// Step: each planned cluster in turn: up → connect → run its scenarios → down (with --upgrade-to:
// run → upgrade → run again, src/run/cluster/upgrade.ts). A cluster that
// does not come up, or cannot be used, errors its own scenarios and the run goes on (unless
// --fail-fast); after Ctrl-C nothing more is created and what exists is deleted (src/run/steps.ts).
import { clusterErrorText } from '../app/cluster-error.js';
import type { PlannedCluster } from '../plan/planner.js';
import { notRun } from '../report/results.js';
import type { ClusterSummary, ScenarioResult } from '../report/model.js';
import type { Scenario } from '../scenario/types.js';
import type { ClusterRecord } from '../state/records.js';
import { providerVersion } from '../target/resolve.js';
import { down } from './cluster/down.js';
import { targetFromRecord } from './cluster/connect.js';
import { runScenarios } from './cluster/run-scenarios.js';
import { runAcrossUpgrade } from './cluster/upgrade.js';
import { up } from './cluster/up.js';
import { needs, type RunContext } from './context.js';
import type { RunStep } from './steps.js';

export const clustersStep: RunStep = {
  name: 'clusters',
  why: 'each cluster exists only while its scenarios run',
  async run(ctx) {
    for (const c of needs(ctx.plan, 'the plan', 'clusters').clusters) {
      if (!ctx.app.providers.capabilitiesOf(c.provider).createsClusters) continue;
      const own = c.scenarios.map((id) => ctx.scenarios.find((s) => s.id === id)!);
      const notRunAll = (status: ScenarioResult['status'], message: string) => ctx.results.push(...own.map((s) => notRun(s, c.name, status, message)));
      if (ctx.app.signal.aborted) notRunAll('interrupted', `not run: interrupted before cluster ${c.name} was created`);
      else if (ctx.stoppedAfter) notRunAll('skipped', `not run: --fail-fast stopped the run after ${ctx.stoppedAfter}`);
      else await oneCluster(ctx, c, own, notRunAll);
    }
  },
};

async function oneCluster(ctx: RunContext, c: PlannedCluster, own: Scenario[], notRunAll: (status: ScenarioResult['status'], message: string) => void): Promise<void> {
  const { app, request } = ctx;
  const version = `v${providerVersion(app, needs(ctx.resolved, 'the target', 'clusters'), c.provider)}`;
  const problem = (what: string, e: unknown): void => {
    const interrupted = app.signal.aborted;
    const text = interrupted ? 'interrupted' : clusterErrorText(e);
    if (!interrupted && what === 'did not come up') app.progress(`${text.replace(/^/gm, '  ')}\n`);
    ctx.clusters.push({ name: c.name, provider: c.provider, version, image: ctx.resolved?.image, error: what === 'did not come up' ? text : `${what}: ${text}` });
    notRunAll(interrupted ? 'interrupted' : 'errored', `cluster ${c.name} (${c.provider}) ${what}: ${text}`);
    if (request.failFast) ctx.stoppedAfter = `cluster ${c.name} ${what}`;
  };
  let rec: ClusterRecord;
  try {
    rec = await up(ctx, c);
  } catch (e) {
    // The provider removed what it half-created; the run goes on with the other clusters.
    return problem('did not come up', e);
  }
  ctx.created.push(rec);
  try {
    const target = await targetFromRecord(app, rec);
    const summary: ClusterSummary = { name: rec.name, provider: rec.provider, version: target.info.gitVersion, image: rec.image };
    ctx.clusters.push(summary);
    let got: ScenarioResult[];
    if (request.upgrade) ({ results: got, upgrade: summary.upgrade } = await runAcrossUpgrade(ctx, rec, own, target));
    else got = await runScenarios(app, own, target, request.opts);
    ctx.results.push(...got);
    const bad = got.find((r) => r.status === 'failed' || r.status === 'errored');
    if (request.failFast && bad) ctx.stoppedAfter = `${bad.id} ${bad.status} on ${rec.name}`;
  } catch (e) {
    // Up, but not usable (its API cannot be read): an error of the cluster, not of the features.
    problem('came up but cannot be used', e);
  }
  if (!request.opts.keep) await down(ctx, rec);
}
