// `kindlab upgrade --to <ref>`: move a running kindlab cluster to the Kubernetes of another ref the
// way kubeadm upgrades a cluster. The work is src/workflows/upgrade.ts.
import type { Command } from 'commander';
import { Option } from 'commander';
import { table } from '../util/table.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';
import { pickCluster } from './pick-cluster.js';

interface UpgradeFlags {
  cluster?: string;
  to: string;
  kubeRoot?: string;
  baseImage?: string;
  kubeletsStay?: boolean;
  images?: string[];
  dryRun?: boolean;
  output: 'text' | 'json';
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  cmd
    .option('--cluster <name>', 'a cluster kindlab created (default: the only one, else "kindlab")')
    .requiredOption('--to <ref>', 'the ref of the checkout to upgrade to (a tag such as v1.37.2, a branch, a commit; HEAD includes your uncommitted edits)')
    .option('--kube-root <dir>', 'Kubernetes checkout with that ref (default: the one the cluster was built from, else $KUBE_ROOT, else the current directory)')
    .option('--base-image <image>', "kube-proxy's image is this image plus the new binary (default: $KINDLAB_BASE_IMAGE, else kind's base image)")
    .option('--images <path>', "docker save archives (or a folder of them) with the target's etcd, CoreDNS and pause, for nodes that lack them; nothing is pulled (repeatable; default $KINDLAB_IMAGES)", (v: string, acc: string[] = []) => [...acc, v])
    .option('--kubelets-stay', 'upgrade only the control plane; every kubelet keeps its version (a version-skew cluster)')
    .option('--dry-run', 'print the build and every command that would change the cluster, do nothing')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  kindlab upgrade --cluster old --to v1.37.2 --kube-root ~/src/kubernetes
  kindlab upgrade --cluster old --to v1.37.2 --kubelets-stay     # control plane at v1.37.2, kubelets where they were
  kindlab test --image kindlab/node:v1.37.1 --upgrade-to v1.37.2 --kube-root ~/src/kubernetes create-token
                                                                 # scenarios before and after, side by side

Checked before anything is built: the version skew policy (upgrades only, one minor at a time;
kubelets at most three minors behind the API server) and the cluster's feature gates against the
target's own source (a gate removed or locked the other way there is refused by name).

kind clusters, the way kubeadm upgrades: every component of the target built from the ref with
the Go build cache; its control-plane and kube-proxy images imported into every node, and its
etcd, CoreDNS and pause where a node lacks them (from --images, else the local docker daemon:
nothing is pulled; found before anything changes); the new kubeadm into every
node; \`kubeadm upgrade apply\` on the first control-plane node (it carries the cluster's
configuration, gates and runtime config included, into the new manifests, kubelet config and
add-ons), \`kubeadm upgrade node\` on the others, then each kubelet replaced and Ready at the new
version. Nodes are not drained. Ctrl-C leaves the cluster to kindlab ls, which names the steps
that landed; kindlab down removes it.`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, flags: UpgradeFlags): Promise<number> {
  const cluster = pickCluster(ctx, flags.cluster, 'upgrade');
  const { upgradeWorkflow } = await import('../workflows/upgrade.js');
  const { commandEnv } = await import('./dry-run.js');
  const json = flags.output === 'json';
  const { app, printed } = commandEnv(ctx, flags);
  const out = await upgradeWorkflow(app, { cluster, to: flags.to, kubeRoot: flags.kubeRoot, baseImage: flags.baseImage, kubeletsStay: flags.kubeletsStay, images: flags.images });
  if (json) {
    ctx.io.stdout(JSON.stringify(flags.dryRun ? { dryRun: true, ...out, printed } : out, null, 2) + '\n');
    return 0;
  }
  const s = (n: number): string => `${n.toFixed(1)} s`;
  ctx.io.stdout(`cluster "${out.cluster}": ${out.from} → ${out.to} (${out.kind} upgrade${out.kubeletsStay ? ', kubelets stay' : ''}; tree ${out.describe} in ${out.kubeRoot})\n`);
  if (flags.dryRun) {
    ctx.io.stdout('dry run: nothing was built or changed\n');
    return 0;
  }
  ctx.io.stdout(`built ${out.to} in ${s(out.build.seconds)}${out.build.cacheHit ? ' (cache hit)' : ''}${out.build.logFile ? `; log: ${out.build.logFile}` : ''}\n`);
  ctx.io.stdout(table(['STEP', 'WHERE', 'VERSION', 'SECONDS'], out.steps.map((x) => [x.step, x.where, x.version ?? '', s(x.seconds)])));
  ctx.io.stdout(`upgraded in ${s(out.seconds)}\n`);
  return 0;
}
