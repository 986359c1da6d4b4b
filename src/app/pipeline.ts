// kindlab's one pipeline over a resolved target: plan → (up → run → down) per planned cluster →
// report. `test` runs it once, `matrix` once per version, `bisect` once per candidate commit.
// A cluster that does not come up errors its own scenarios and the pipeline goes on (unless
// failFast); Ctrl-C or a failure at any point deletes what it created, unless keep.
import type { AppEnv } from './env.js';
import { phasesOf, providerContext } from './env.js';
import { clusterErrorText } from './cluster-error.js';
import { planRun, providerVersion, type ResolvedTarget } from './target.js';
import * as runs from './scenario-runs.js';
import type { ExecuteOptions } from './scenario-runs.js';
import { capabilitiesOf, getProvider } from '../cluster/providers.js';
import type { Plan } from '../plan/planner.js';
import type { Scenario } from '../scenario/types.js';
import type { ClusterRecord } from '../state/records.js';
import type { ClusterSummary, RunReport, ScenarioResult } from '../report/model.js';
import { missingNodeImageError } from '../cluster/node-image.js';

export interface PipelineInput {
  scenarios: Scenario[];
  resolved: ResolvedTarget;
  opts: ExecuteOptions;
  failFast?: boolean;
  /** Cluster names are <prefix>-1, <prefix>-2, ... */
  namePrefix: string;
}

/** The plan of a pipeline run; callers print it before `runPipeline` creates anything. */
export function planPipeline(input: Pick<PipelineInput, 'scenarios' | 'resolved' | 'namePrefix'>): Plan {
  return planRun(input.scenarios, input.resolved, input.namePrefix);
}

/** Stops before anything is created when clusters need a node image that does not exist. */
export function checkNodeImage(p: Plan, resolved: ResolvedTarget): void {
  const imageClusters = p.clusters.filter((c) => c.provider !== 'existing' && capabilitiesOf(c.provider).runsFrom === 'node-image');
  if (imageClusters.length && !resolved.image && resolved.imageMissing) throw missingNodeImageError(resolved.imageMissing, imageClusters);
}

export async function runPipeline(app: AppEnv, input: PipelineInput, p: Plan, started = performance.now()): Promise<RunReport> {
  const { scenarios, resolved, opts } = input;
  const phases = phasesOf(app);
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const created: ClusterRecord[] = [];
  const results: ScenarioResult[] = [];
  const clusters: ClusterSummary[] = [];
  let stoppedAfter: string | undefined; // failFast
  try {
    for (const c of p.clusters) {
      if (c.provider === 'existing') continue;
      const own = c.scenarios.map((id) => byId.get(id)!);
      const version = `v${providerVersion(resolved, c.provider)}`;
      const caps = capabilitiesOf(c.provider);
      const image = caps.runsFrom === 'node-image' ? resolved.image : undefined;
      if (app.signal.aborted) {
        // Ctrl-C: create nothing more; finally{} deletes what exists.
        results.push(...own.map((s) => runs.notRun(s, c.name, 'interrupted', `not run: interrupted before cluster ${c.name} was created`)));
        continue;
      }
      if (stoppedAfter) {
        results.push(...own.map((s) => runs.notRun(s, c.name, 'skipped', `not run: --fail-fast stopped the run after ${stoppedAfter}`)));
        continue;
      }
      const provider = await getProvider(c.provider);
      let rec: ClusterRecord;
      try {
        rec = await phases.run(`up ${c.provider} cluster ${c.name} for ${c.scenarios.length} scenario(s)`, () =>
          provider.create(
            {
              name: c.name,
              profile: c.profile,
              image,
              binDir: caps.runsFrom === 'binaries' ? resolved.binDir : undefined,
              kubernetesVersion: providerVersion(resolved, c.provider),
              commit: resolved.commit,
              waitSeconds: 180,
            },
            providerContext(app),
          ),
        );
      } catch (e) {
        // The provider removed what it half-created. Its scenarios are errored (or interrupted);
        // the run goes on with the other clusters.
        const interrupted = app.signal.aborted;
        const text = interrupted ? 'interrupted while it was coming up' : clusterErrorText(e);
        if (!interrupted) app.progress(`${text.replace(/^/gm, '  ')}\n`);
        clusters.push({ name: c.name, provider: c.provider, version, image, error: text });
        results.push(...own.map((s) => runs.notRun(s, c.name, interrupted ? 'interrupted' : 'errored', `cluster ${c.name} (${c.provider}) did not come up: ${text}`)));
        if (input.failFast) stoppedAfter = `cluster ${c.name} did not come up`;
        continue;
      }
      created.push(rec);
      try {
        const target = await runs.targetFromRecord(app, rec);
        clusters.push({ name: rec.name, provider: rec.provider, version: target.info.gitVersion, image: rec.image });
        const got = await runs.executeOnTarget(app, own, target, opts);
        results.push(...got);
        const bad = got.find((r) => r.status === 'failed' || r.status === 'errored');
        if (input.failFast && bad) stoppedAfter = `${bad.id} ${bad.status} on ${rec.name}`;
      } catch (e) {
        // Up, but not usable (its API cannot be read): an error of the cluster, not of the features.
        const interrupted = app.signal.aborted;
        const text = interrupted ? 'interrupted' : clusterErrorText(e);
        clusters.push({ name: rec.name, provider: rec.provider, version, image, error: `came up but cannot be used: ${text}` });
        results.push(...own.map((s) => runs.notRun(s, c.name, interrupted ? 'interrupted' : 'errored', `cluster ${c.name} (${c.provider}) came up but cannot be used: ${text}`)));
        if (input.failFast) stoppedAfter = `cluster ${c.name} could not be used`;
      }
      if (!opts.keep) {
        try {
          // No signal: a Ctrl-C must not stop the deletion it asks for.
          await phases.run(`down ${rec.name}`, () => provider.delete(rec, { ...providerContext(app), signal: undefined }));
          created.splice(created.indexOf(rec), 1);
        } catch (e) {
          app.log.warn(`could not delete ${rec.name}: ${(e as Error).message} (retrying at the end)`);
        }
      }
    }
  } finally {
    if (!opts.keep) {
      for (const rec of created) {
        app.log.info(`cleaning up: deleting cluster ${rec.name}`);
        const provider = await getProvider(rec.provider);
        await provider.delete(rec, { ...providerContext(app), signal: undefined }).catch((e: unknown) => app.log.warn(`could not delete ${rec.name}: ${(e as Error).message}`));
      }
    } else if (created.length) {
      app.log.info(`--keep: clusters left running: ${created.map((r) => r.name).join(', ')} (kindlab down ${created.map((r) => r.name).join(' ')})`);
    }
  }
  return runs.buildReport(opts.runId, started, clusters, [...results, ...runs.skippedResults(p.skips, scenarios, '-')]);
}
