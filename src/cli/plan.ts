// `kindlab plan [selector...]`: which clusters (with their rendered configs) would run which
// scenarios, and which scenarios are skipped and why (src/workflows/plan.ts). No side effects.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';
import { addTargetFlags } from './target-flags.js';
import type { TargetFlags } from '../target/resolve.js';

interface PlanFlags extends TargetFlags {
  kubeconfig?: string;
  output: 'text' | 'json';
  scenariosDir: string[];
  builtin: boolean;
  shard?: string;
  counterProof?: boolean;
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  addTargetFlags(
    cmd
      .argument('[selectors...]', 'scenario ids, globs, tag:<tag>, kep:<number>, or upstream e2e specs (e2e:<focus regex>, e2e:label=<Ginkgo label filter>); none = all'),
  )
    .option('--kubeconfig <file>', 'plan against an existing cluster (its version and gates are read, not changed)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--shard <i/n>', 'plan only shard i of n, as test --shard i/n would run it')
    .option('--counter-proof', 'also plan the clusters test --counter-proof adds (each switchable feature gate off), and say why the other scenarios cannot be counter-proved here')
    .addHelpText(
      'after',
      `
Examples:
  kindlab plan --k8s-version v1.33.1
  kindlab plan --provider local kep:3962
  kindlab plan --ref origin/master --kube-root ~/src/kubernetes tag:sig-auth -o json
  kindlab plan --kubeconfig ~/.kube/config
  kindlab plan --k8s-version v1.37.2 'e2e:label=FeatureGate:GRPCContainerProbeTLS'   # upstream specs: the cluster they need

Each cluster shows the Kubernetes version it runs, and each kind cluster the node image it is created
from (kindlab test --help says how the target version and that image are chosen). Feature-gate stages
come from the target's own source (a ref's commit, a release's modules in the Go module cache), else
from kindlab's gate table. Upstream e2e selections list their specs from the target's e2e.test when
the lab built it (else they are planned from the selector alone); the gates the specs carry are
turned on where alpha or beta.`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, selectors: string[], flags: PlanFlags): Promise<number> {
  const { planWorkflow } = await import('../workflows/plan.js');
  const { parseShard } = await import('../plan/shard.js');
  const view = await planWorkflow(ctx, { ...flags, selectors, shard: parseShard(flags.shard) });
  const p = view.plan;
  const providers = { ...p.target.providers, ...view.unavailable };
  if (flags.output === 'json') {
    ctx.io.stdout(JSON.stringify({ target: { ...p.target, providers, sourceGates: p.target.sourceGates ? p.target.sourceGates.size : undefined }, clusters: view.clusters, skips: p.skips, notes: p.notes }, null, 2) + '\n');
    return 0;
  }
  ctx.io.stdout(`target: ${p.target.description}\n`);
  const names = Object.keys(providers);
  if (names.length) ctx.io.stdout(`providers: ${names.map((n) => `${n}: ${providers[n] === true ? 'available' : providers[n]}`).join('; ')}\n`);
  for (const c of view.clusters) {
    ctx.io.stdout(`\ncluster ${c.name} (${c.provider}${c.version ? `, ${c.version}` : ''}): ${c.scenarios.join(', ')}\n`);
    if (c.image !== undefined) ctx.io.stdout(c.image ? `  image: ${c.image}${c.imageSource ? ` (${c.imageSource})` : ''}\n` : `  image: none of ${c.version} — ${c.imageError ?? 'kind would use its default node image'}\n`);
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
