// `kindlab run`: the selected scenarios against a cluster kindlab created or any kubeconfig
// (nothing is created or deleted; needs that cannot be met are skips with the reason).
import type { AppEnv } from '../app/env.js';
import * as runs from '../app/scenario-runs.js';
import { writeReports, type WrittenReports } from '../report/write-reports.js';
import { targetFromKubeconfig, targetFromRecord } from '../run/cluster/connect.js';
import { loadMissingImages } from '../run/cluster/load-images.js';
import { runScenarios } from '../run/cluster/run-scenarios.js';
import { buildReport, skippedResults } from '../report/results.js';
import { UsageError } from '../errors.js';
import { plan } from '../plan/planner.js';
import { inShard } from '../plan/shard.js';
import { labTestBinary, withUpstreamSpecs } from '../e2e/upstream.js';
import { isE2eSelector } from '../e2e/selector.js';
import type { RunReport } from '../report/model.js';

export interface RunRequest extends runs.RunSettings {
  selectors: string[];
  cluster?: string;
  kubeconfig?: string;
  junit?: string;
}

export async function runWorkflow(app: AppEnv, req: RunRequest): Promise<{ report: RunReport; written: WrittenReports; artifactsDir: string }> {
  const selected = await runs.selectScenarios(app, req, req.selectors, 'plan');
  const sharded = inShard(selected, (s) => s.id, req.shard);
  if (req.cluster && req.kubeconfig) throw new UsageError('give --cluster or --kubeconfig, not both');
  let target;
  const rec = req.cluster ? app.store.getCluster(req.cluster) : undefined;
  if (req.cluster) {
    if (!rec) throw new UsageError(`no kindlab cluster named "${req.cluster}"`, { hint: 'kindlab ls lists them; kindlab up creates one' });
    if (rec.state !== 'ready') throw new UsageError(`cluster "${req.cluster}" is ${rec.state}, not ready`);
    target = await targetFromRecord(app, rec);
  } else {
    const kubeconfig = req.kubeconfig ?? app.env.KUBECONFIG?.split(':')[0];
    if (!kubeconfig) throw new UsageError('which cluster? give --cluster NAME, --kubeconfig FILE or set KUBECONFIG');
    target = await targetFromKubeconfig(app, kubeconfig);
  }
  // Upstream specs come from the lab's e2e.test of the cluster's release; a cluster built from a
  // ref between releases reports another version, and the run says so rather than mixing silently.
  const upstreamNotes: string[] = [];
  const tb = labTestBinary(app.env, target.info.version);
  const scenarios = await withUpstreamSpecs(app, sharded, req.selectors, tb, upstreamNotes, 'run');
  if (scenarios.some((s) => isE2eSelector(s.id)) && target.info.gitVersion !== tb.version) upstreamNotes.push(`upstream specs: the cluster runs ${target.info.gitVersion}, e2e.test is the lab's ${tb.version}`);
  for (const n of upstreamNotes) app.progress(`${n}\n`);
  const p = plan(scenarios, {
    version: target.info.version,
    description: `${target.info.gitVersion} (${target.name})`,
    existing: { featureGates: target.info.featureGates, hasNodes: target.info.hasNodes, nodes: target.info.nodes, servedApis: target.info.servedApis },
    providers: {},
  });
  const runnable = scenarios.filter((s) => p.clusters.some((c) => c.scenarios.includes(s.id)));
  if (rec) await loadMissingImages(app, rec, target, runnable);
  const runId = runs.newRunId();
  const started = performance.now();
  const opts = runs.executeOptions(app, runId, req);
  if (req.shard) app.progress(`shard ${req.shard.index}/${req.shard.count}: ${scenarios.length} of ${selected.length} selected scenario(s)\n`);
  app.progress(`run ${runId}: ${runnable.length} scenario(s) on ${target.name} (${target.info.gitVersion}), ${p.skips.length} skipped\n`);
  // Needs the planner could not check from outside (kubelet config, host): said, not assumed.
  for (const c of p.clusters) for (const [id, chosen] of Object.entries(c.chosen)) for (const u of chosen.unknown) app.progress(`  unknown for ${id}: ${u}\n`);
  const results = await runScenarios(app, runnable, target, opts);
  const report = buildReport(runId, started, [{ name: target.name, provider: target.info.provider, version: target.info.gitVersion }], [...results, ...skippedResults(p.skips, scenarios, target.name)]);
  return { report, written: await writeReports(app, report, opts), artifactsDir: opts.artifactsDir };
}
