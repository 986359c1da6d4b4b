// `kindlab plan [selector...]`: which clusters (with their rendered configs) would run which
// scenarios, and which scenarios are skipped and why. No side effects.
import type { Command } from 'commander';
import { Option } from 'commander';
import YAML from 'yaml';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './main.js';
import { addTargetFlags } from './target-flags.js';
import type { TargetFlags } from '../scenario/target.js';

interface PlanFlags extends TargetFlags {
  kubeconfig?: string;
  output: 'text' | 'json';
  scenariosDir: string[];
  builtin: boolean;
}

export const register: CommandModule['register'] = (program: Command, run) => {
  addTargetFlags(
    program
      .command('plan')
      .argument('[selectors...]', 'scenario ids, globs, tag:<tag> or kep:<number>; none = all')
      .description('show the clusters and configs the selected scenarios need, and what would be skipped and why (no side effects)'),
  )
    .option('--kubeconfig <file>', 'plan against an existing cluster (its version and gates are read, not changed)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  kindlab plan --k8s-version v1.33.1
  kindlab plan --provider local kep:3962
  kindlab plan --ref origin/master --kube-root ~/src/kubernetes tag:sig-auth -o json
  kindlab plan --kubeconfig ~/.kube/config

Each cluster shows the Kubernetes version it runs, and each kind cluster the node image it is created
from (kindlab test --help says how the target version and that image are chosen).`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, selectors: string[], flags: PlanFlags): Promise<number> {
  const session = await import('../scenario/session.js');
  const { plan } = await import('../plan/planner.js');
  const scenarios = await session.selectScenarios(ctx, { scenariosDir: flags.scenariosDir, builtin: flags.builtin }, selectors);
  let p;
  let resolved: import('../scenario/target.js').ResolvedTarget | undefined;
  let kindMissing: string | undefined;
  if (flags.kubeconfig) {
    if (flags.ref || flags.image || flags.k8sVersion) throw new UsageError('--kubeconfig plans against that cluster; drop --ref/--image/--k8s-version');
    const t = await session.targetFromKubeconfig(ctx, flags.kubeconfig);
    p = plan(scenarios, {
      version: t.info.version,
      description: `${t.info.gitVersion} (existing cluster)`,
      existing: { featureGates: t.info.featureGates, hasNodes: t.info.hasNodes, nodes: t.info.nodes, servedApis: t.info.servedApis },
      providers: { local: 'existing cluster', kind: 'existing cluster' },
    });
  } else {
    const { resolveTarget, planRun } = await import('../scenario/target.js');
    const r = await resolveTarget(ctx, flags, false);
    resolved = r;
    // A plan has no side effects: when kind cannot run on this machine, still show what it would
    // create (the configs are the point), and say so.
    kindMissing = flags.provider !== 'local' && r.target.providers.kind !== true ? r.target.providers.kind : undefined;
    p = planRun(scenarios, kindMissing ? { ...r, target: { ...r.target, providers: { ...r.target.providers, kind: true } } } : r);
    if (kindMissing) p.notes.unshift(`kind cannot run on this machine (${kindMissing}); kind clusters are planned as if it could, and kindlab test would skip their scenarios`);
  }
  const { renderKindConfig } = await import('../kind/config.js');
  const { providerVersion } = await import('../scenario/target.js');
  const image = resolved?.image;
  // Every kind cluster runs the run's one node image; none of the target version is an error for
  // kindlab test (before it creates anything), shown here.
  const kindClusters = p.clusters.filter((c) => c.provider === 'kind');
  let imageError: import('../errors.js').KindlabError | undefined;
  if (kindClusters.length && !image && resolved?.imageMissing) {
    const { missingNodeImageError } = await import('../cluster/node-image.js');
    imageError = missingNodeImageError(resolved.imageMissing, kindClusters);
    p.notes.unshift(`kindlab test would stop before creating any cluster: ${imageError.message}; ${imageError.hint}`);
  }
  const rendered = p.clusters.map((c) => ({
    ...c,
    version: c.provider === 'existing' ? undefined : `v${resolved ? providerVersion(resolved, c.provider) : p.target.version}`,
    ...(c.provider === 'kind' ? { image: image ?? null, imageSource: resolved?.imageSource, imageError: imageError?.message } : {}),
    config:
      c.provider === 'kind'
        ? renderKindConfig({ profile: c.profile, image, kubernetesVersion: resolved ? providerVersion(resolved, 'kind') : p.target.version, filesHostDir: c.profile.files.length ? `$KINDLAB_HOME/clusters/${c.name}/files` : undefined, clusterName: c.name }).yaml
        : c.provider === 'local'
          ? YAML.stringify({ featureGates: c.profile.featureGates, runtimeConfig: c.profile.runtimeConfig, apiServerFlags: c.profile.apiServerExtraArgs, controllerManagerFlags: c.profile.controllerManagerExtraArgs, files: c.profile.files.map((f) => f.name) })
          : '',
  }));
  if (flags.output === 'json') {
    ctx.io.stdout(JSON.stringify({ target: { ...p.target, providers: { ...p.target.providers, kind: kindMissing ?? p.target.providers.kind }, sourceGates: p.target.sourceGates ? [...p.target.sourceGates].length : undefined }, clusters: rendered, skips: p.skips, notes: p.notes }, null, 2) + '\n');
    return 0;
  }
  ctx.io.stdout(`target: ${p.target.description}\n`);
  ctx.io.stdout(`providers: local: ${p.target.providers.local === true ? 'available' : p.target.providers.local}; kind: ${kindMissing ?? (p.target.providers.kind === true ? 'available' : p.target.providers.kind)}\n`);
  for (const c of rendered) {
    ctx.io.stdout(`\ncluster ${c.name} (${c.provider}${c.version ? `, ${c.version}` : ''}): ${c.scenarios.join(', ')}\n`);
    if (c.provider === 'kind') ctx.io.stdout(image ? `  image: ${image}${resolved?.imageSource ? ` (${resolved.imageSource})` : ''}\n` : `  image: none of ${c.version} — ${imageError?.message ?? 'kind would use its default node image'}\n`);
    // Per scenario: the stage it runs at and why (the needs chosen for this version).
    for (const id of c.scenarios) {
      const n = c.chosen[id];
      if (!n) continue;
      ctx.io.stdout(`  ${id}: ${n.stage.stage ? `${n.stage.stage === 'ga' ? 'GA' : n.stage.stage} — ` : ''}${n.stage.why}\n`);
      for (const u of n.unknown) ctx.io.stdout(`    unknown: ${u}\n`);
    }
    if (c.config) ctx.io.stdout(c.config.replace(/^/gm, '    ') + '\n');
  }
  if (p.skips.length) {
    ctx.io.stdout('\nskipped:\n');
    for (const s of p.skips) ctx.io.stdout(`  ${s.id}: ${s.reason}\n`);
  }
  if (p.notes.length) {
    ctx.io.stdout('\nnotes:\n');
    for (const n of p.notes) ctx.io.stdout(`  ${n}\n`);
  }
  return 0;
}
