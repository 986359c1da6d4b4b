// `kindlab plan`: which clusters (with their rendered configs) would run which scenarios, which
// stage each runs at, and which are skipped and why. No side effects.
import YAML from 'yaml';
import type { AppEnv } from '../app/env.js';
import * as runs from '../app/scenario-runs.js';
import { providerVersion, resolveTarget, type ResolvedTarget, type TargetFlags } from '../target/resolve.js';
import { planRun } from '../target/plan-run.js';
import { targetFromKubeconfig } from '../run/cluster/connect.js';
import { missingNodeImageError } from '../cluster/node-image.js';
import { renderKindConfig } from '../kind/config.js';
import { UsageError, type KindlabError } from '../errors.js';
import { plan, type Plan, type PlannedCluster } from '../plan/planner.js';
import { withUpstreamSpecs } from '../e2e/upstream.js';
import { targetTestBinary } from '../run/upstream-specs.js';
import { counterProofPlan } from '../counter-proof/plan.js';
import { inShard, type Shard } from '../plan/shard.js';

export interface PlanRequest extends TargetFlags {
  selectors: string[];
  kubeconfig?: string;
  scenariosDir: string[];
  builtin: boolean;
  /** Plan only shard i of n, as `test --shard` would run it. */
  shard?: Shard;
  /** Also plan the counter-proof variants test --counter-proof runs. */
  counterProof?: boolean;
}

export interface PlannedClusterView extends PlannedCluster {
  version?: string;
  /** Node-image providers: the image, how it was chosen, or why there is none. */
  image?: string | null;
  imageSource?: string;
  imageError?: string;
  /** The rendered config (a kind config; the local provider's flags as YAML). */
  config: string;
}

export interface PlanView {
  plan: Plan;
  clusters: PlannedClusterView[];
  /** Providers that cannot run here but were planned as if they could (a plan shows configs). */
  unavailable: Record<string, string>;
}

export async function planWorkflow(app: AppEnv, req: PlanRequest): Promise<PlanView> {
  let scenarios = inShard(await runs.selectScenarios(app, req, req.selectors, 'plan'), (s) => s.id, req.shard);
  const notes: string[] = [];
  let p: Plan;
  let resolved: ResolvedTarget | undefined;
  const unavailable: Record<string, string> = {};
  if (req.kubeconfig) {
    if (req.ref || req.image || req.k8sVersion) throw new UsageError('--kubeconfig plans against that cluster; drop --ref/--image/--k8s-version');
    if (req.counterProof) throw new UsageError('--counter-proof switches feature gates off on clusters kindlab creates; an existing cluster\'s gates cannot be changed', { hint: 'drop --kubeconfig (kindlab creates the clusters), or drop --counter-proof' });
    const t = await targetFromKubeconfig(app, req.kubeconfig);
    p = plan(scenarios, {
      version: t.info.version,
      description: `${t.info.gitVersion} (existing cluster)`,
      existing: { featureGates: t.info.featureGates, hasNodes: t.info.hasNodes, nodes: t.info.nodes, servedApis: t.info.servedApis },
      providers: {},
    });
  } else {
    const r = await resolveTarget(app, req);
    resolved = r;
    scenarios = await withUpstreamSpecs(app, scenarios, req.selectors, await targetTestBinary(app, r, 'look up'), notes, 'plan');
    if (req.counterProof) {
      const cp = counterProofPlan(scenarios, { version: r.target.version, description: `v${r.target.version}`, sourceGates: r.target.sourceGates });
      scenarios = [...scenarios, ...cp.variants];
      for (const [id, why] of Object.entries(cp.notPossible)) notes.push(`counter-proof of ${id}: not possible here: ${why}`);
    }
    // A plan has no side effects: a node-image provider that cannot run on this machine is still
    // planned (the configs are the point), and the plan says so.
    const providers = { ...r.target.providers };
    for (const [name, state] of Object.entries(providers)) {
      const asked = req.provider === 'auto' || req.provider === name;
      if (state !== true && asked && app.providers.capabilitiesOf(name).runsFrom === 'node-image') {
        unavailable[name] = state;
        providers[name] = true;
      }
    }
    p = planRun(app, scenarios, { ...r, target: { ...r.target, providers } });
    p.notes.push(...notes);
    for (const [name, why] of Object.entries(unavailable)) p.notes.unshift(`${name} cannot run on this machine (${why}); ${name} clusters are planned as if it could, and kindlab test would skip their scenarios`);
  }
  const image = resolved?.image;
  // Every node-image cluster runs the run's one node image; none of the target version is an
  // error for kindlab test (before it creates anything), shown here.
  const caps = (name: string) => app.providers.capabilitiesOf(name);
  const imageClusters = p.clusters.filter((c) => caps(c.provider).createsClusters && caps(c.provider).runsFrom === 'node-image');
  let imageError: KindlabError | undefined;
  if (imageClusters.length && !image && resolved?.imageMissing) {
    imageError = missingNodeImageError(resolved.imageMissing, imageClusters);
    p.notes.unshift(`kindlab test would stop before creating any cluster: ${imageError.message}; ${imageError.hint}`);
  }
  const clusters = p.clusters.map((c): PlannedClusterView => {
    const own = caps(c.provider);
    if (!own.createsClusters) return { ...c, config: '' };
    const version = resolved ? providerVersion(app, resolved, c.provider) : p.target.version;
    return {
      ...c,
      version: `v${version}`,
      ...(own.runsFrom === 'node-image' ? { image: image ?? null, imageSource: resolved?.imageSource, imageError: imageError?.message } : {}),
      config: own.kindConfig
        ? renderKindConfig({ profile: c.profile, image, kubernetesVersion: version, filesHostDir: c.profile.files.length ? `$KINDLAB_HOME/clusters/${c.name}/files` : undefined, clusterName: c.name }).yaml
        : YAML.stringify({ featureGates: c.profile.featureGates, runtimeConfig: c.profile.runtimeConfig, apiServerFlags: c.profile.apiServerExtraArgs, controllerManagerFlags: c.profile.controllerManagerExtraArgs, files: c.profile.files.map((f) => f.name) }),
    };
  });
  return { plan: p, clusters, unavailable };
}
