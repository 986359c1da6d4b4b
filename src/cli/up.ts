// `kindlab up`: create a cluster from an image, a ref (built first) or a released version, shaped
// by flags. The work is src/workflows/up.ts; providers do the creating (src/cluster/<name>).
import type { Command } from 'commander';
import { Option } from 'commander';
import { emptyProfile, type ClusterProfile } from '../cluster/profile.js';
import { parseDuration, parseFeatureGates, parseRuntimeConfig, parseWorkers, validateClusterName } from '../cluster/flags.js';
import { PROVIDERS, providerWith } from '../cluster/providers.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';

export interface UpFlags {
  name: string;
  provider: string;
  image?: string;
  ref?: string;
  k8sVersion?: string;
  kubeRoot?: string;
  featureGates?: string;
  runtimeConfig?: string;
  workers?: string;
  config?: string;
  wait?: string;
  exportKubeconfig?: boolean;
  binDir?: string;
  withScheduler?: boolean;
  dryRun?: boolean;
  output?: string;
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  cmd
    .option('--name <name>', 'cluster name', 'kindlab')
    .addOption(
      new Option('--provider <provider>', PROVIDERS.map((p) => `${p.name}: ${p.summary}`).join('; '))
        .choices(PROVIDERS.map((p) => p.name))
        // Real nodes by default: what kindlab is for.
        .default(providerWith((c) => c.nodes)!.name),
    )
    .option('--image <image>', 'kind node image to use')
    .option('--ref <ref>', 'build a node image from this Kubernetes ref first (see kindlab build)')
    .option('--k8s-version <version>', "use kind's published node image for a released version, e.g. v1.33.1")
    .option('--kube-root <dir>', 'Kubernetes checkout for --ref (default: $KUBE_ROOT, else the current directory)')
    .option('--feature-gates <list>', 'feature gates for every component, e.g. A=true,B=false')
    .option('--runtime-config <list>', 'kube-apiserver --runtime-config, e.g. batch/v2alpha1=true')
    .option('--workers <n>', 'worker nodes (kind)')
    .option('--config <file>', 'your own kind config, merged with what kindlab renders (conflicts are errors)')
    .option('--wait <duration>', 'wait for the control plane to be ready, e.g. 120s', '120s')
    .option('--export-kubeconfig', 'also merge the kubeconfig into $KUBECONFIG or ~/.kube/config (kind provider)')
    .option('--bin-dir <dir>', 'local provider: folder with etcd, kube-apiserver, kube-controller-manager (default: the lab cache from npm run lab)')
    .option('--with-scheduler', 'local provider: also run kube-scheduler')
    .option('--dry-run', 'print the commands and the rendered kind config, do nothing')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  kindlab up --k8s-version v1.33.1 --feature-gates UserNamespacesSupport=true
  kindlab up --ref v1.34.0 --kube-root ~/src/kubernetes --workers 2
  kindlab up --image kindlab/node:v1.35.0 --runtime-config admissionregistration.k8s.io/v1beta1=true
  kindlab up --config my-kind.yaml --name dev --dry-run
  kindlab up --provider local --feature-gates MutatingAdmissionPolicy=true

Feature gates (--feature-gates, and featureGates in --config) are checked against the target version
before anything is pulled, built or created: kindlab's gate table for a released version, the
checkout's pkg/features for --ref. A misspelt name gets the right one suggested; a gate that does not
exist yet or was removed says when; a GA gate locked on cannot be set false (exit 2).

The kubeconfig is written to $KINDLAB_HOME/clusters/<name>/kubeconfig (mode 0600) next to the
rendered kind-config.yaml; ~/.kube/config is only touched with --export-kubeconfig.
Ctrl-C while creating deletes the half-created cluster.`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, flags: UpFlags): Promise<number> {
  const profile: ClusterProfile = {
    ...emptyProfile(),
    featureGates: parseFeatureGates(flags.featureGates),
    runtimeConfig: parseRuntimeConfig(flags.runtimeConfig),
    workers: parseWorkers(flags.workers),
  };
  const { upWorkflow } = await import('../workflows/up.js');
  const { commandEnv } = await import('./dry-run.js');
  const json = flags.output === 'json';
  const { app, printed } = commandEnv(ctx, flags);
  const rec = await upWorkflow(app, {
    ...flags,
    name: validateClusterName(flags.name),
    profile,
    configPath: flags.config,
    waitSeconds: parseDuration(flags.wait, '--wait'),
  });
  if (flags.dryRun) {
    if (json) ctx.io.stdout(JSON.stringify({ dryRun: true, created: false, cluster: rec, printed }, null, 2) + '\n');
    return 0;
  }
  if (json) {
    ctx.io.stdout(JSON.stringify(rec, null, 2) + '\n');
    return 0;
  }
  ctx.io.stdout(
    [
      `cluster "${rec.name}" is ready (${rec.provider}${rec.kubernetesVersion ? `, ${rec.kubernetesVersion}` : ''})`,
      `  kubeconfig:  ${rec.kubeconfig}`,
      ...(rec.configFile ? [`  kind config: ${rec.configFile}`] : []),
      '',
      'Use it:',
      `  export KUBECONFIG=${rec.kubeconfig}`,
      ctx.providers.capabilitiesOf(rec.provider).nodes ? `  kubectl get nodes` : `  kubectl get namespaces      # ${rec.provider} provider: a control plane, no nodes`,
      `Delete it: kindlab down ${rec.name}`,
      '',
    ].join('\n'),
  );
  return 0;
}
