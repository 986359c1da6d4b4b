// `kindlab test`: the run's steps (src/run/steps.ts) once, over the selection: resolve → plan →
// build (for a ref) → up every planned cluster → run → down → report. Every cluster runs the
// run's one target version.
import type { AppEnv } from '../app/env.js';
import * as runs from '../app/scenario-runs.js';
import { writeReports, type WrittenReports } from '../report/write-reports.js';
import { UsageError } from '../errors.js';
import { isE2eSelector } from '../e2e/selector.js';
import type { TargetFlags } from '../target/resolve.js';
import { newRunContext, type RunContext } from '../run/context.js';
import { runSteps } from '../run/steps.js';
import { inShard } from '../plan/shard.js';
import type { Plan } from '../plan/planner.js';
import type { RunReport } from '../report/model.js';
import type { Scenario } from '../scenario/types.js';
import { BUILTIN_SCENARIOS_DIR, loadScenarios } from '../scenario/loader.js';
import { closestIds, matches } from '../plan/select.js';
import { resolve } from 'node:path';

export interface TestRequest extends TargetFlags, runs.RunSettings {
  /** An optional ref first, then selectors (the first is a ref when it is not a selector). */
  args: string[];
  failFast?: boolean;
  junit?: string;
  counterProof?: boolean;
  upgradeTo?: string;
  kubeletsStay?: boolean;
  baseImage?: string;
  upgradeImages?: string[];
}

export interface TestOutcome {
  report: RunReport;
  written: WrittenReports;
  artifactsDir: string;
}

/** Splits `kindlab test [ref] [selectors...]`: the first argument is a ref when no scenario matches it. */
export async function scenariosAndRef(app: AppEnv, req: Pick<TestRequest, 'args' | 'ref' | 'scenariosDir' | 'builtin'>): Promise<{ ref?: string; scenarios: Scenario[] }> {
  // e2e: selectors are recognised first (never a ref, never a glob)
  const e2e = runs.upstreamE2eSelectors(req.args, 'plan');
  const args = req.args.filter((a) => !isE2eSelector(a));
  const all = await loadScenarios([...(req.builtin === false ? [] : [BUILTIN_SCENARIOS_DIR]), ...req.scenariosDir.map((d) => resolve(app.cwd, d))]);
  const [first, ...rest] = args;
  const firstIsRef = first !== undefined && !req.ref && !/^(tag:|kep:)|[*?]/.test(first) && !all.some((s) => matches(s, first));
  // A near-miss of a scenario id is a typo, not a branch: say so before resolving it as a ref.
  const near = firstIsRef && !/^v\d|\/|^[0-9a-f]{7,40}$|^HEAD|^@/.test(first) ? closestIds(all, first) : [];
  if (near.length) {
    throw new UsageError(`"${first}" is not a scenario (did you mean ${near.join(' or ')}?)`, {
      hint: `a first argument that matches no scenario is taken for a Kubernetes ref; for a ref of that name pass --ref ${first}`,
    });
  }
  const ref = firstIsRef ? first : req.ref;
  const own = firstIsRef ? rest : args;
  return { ref, scenarios: runs.withUpstreamItems(all, own, e2e) };
}

/** Progress lines for a plan: the header, the image, skips and what could not be checked. */
export function announcePlan(app: AppEnv, runId: string, p: Plan, image?: { image?: string; source?: string }, split = false): void {
  app.progress(`run ${runId}: target${split ? 's' : ''} ${p.target.description}; ${p.clusters.length} cluster(s), ${p.skips.length} scenario(s) skipped\n`);
  const imageProviders = [...new Set(p.clusters.map((c) => c.provider).filter((n) => app.providers.capabilitiesOf(n).createsClusters && app.providers.capabilitiesOf(n).runsFrom === 'node-image'))];
  if (image?.image && imageProviders.length) {
    app.progress(`  ${imageProviders.join(', ')} clusters: image ${image.image}${image.source ? ` (${image.source})` : ''}\n`);
  }
  for (const s of p.skips) app.progress(`  skip ${s.id}: ${s.reason}\n`);
  // Needs the planner could not check from outside (kubelet config, host): said, not assumed.
  for (const c of p.clusters) for (const [id, chosen] of Object.entries(c.chosen)) for (const u of chosen.unknown) app.progress(`  unknown for ${id}: ${u}\n`);
}

export async function testWorkflow(app: AppEnv, req: TestRequest): Promise<TestOutcome> {
  const upgradeOnly = [req.kubeletsStay && '--kubelets-stay', req.baseImage && '--base-image', req.upgradeImages?.length && '--upgrade-images'].filter(Boolean);
  if (!req.upgradeTo && upgradeOnly.length) throw new UsageError(`${upgradeOnly.join(', ')}: for an upgrade run; add --upgrade-to <ref>`);
  if (req.upgradeTo && req.counterProof) throw new UsageError('--upgrade-to and --counter-proof do not go together', { hint: 'run the counter-proof at each version on its own' });
  const { ref, scenarios: selected } = await scenariosAndRef(app, req);
  const sharded = inShard(selected, (s) => s.id, req.shard);
  const runId = runs.newRunId();
  if (req.shard) app.progress(`shard ${req.shard.index}/${req.shard.count}: ${sharded.length} of ${selected.length} selected scenario(s)\n`);
  const opts = runs.executeOptions(app, runId, req);
  const onPlan = (ctx: RunContext): void => announcePlan(app, runId, ctx.plan!, { image: ctx.resolved?.image, source: ctx.resolved?.imageSource }, Boolean(ctx.resolved?.split));
  const ctx = newRunContext(app, { flags: { ...req, ref }, scenarios: sharded, opts, namePrefix: `kl-${runId}`, failFast: req.failFast, counterProof: req.counterProof, onPlan, ...(req.upgradeTo ? { upgrade: { to: req.upgradeTo, kubeRoot: req.kubeRoot, baseImage: req.baseImage, kubeletsStay: req.kubeletsStay, images: req.upgradeImages } } : {}) });
  const report = await runSteps(ctx);
  const written = await writeReports(app, report, opts);
  return { report, written, artifactsDir: opts.artifactsDir };
}
