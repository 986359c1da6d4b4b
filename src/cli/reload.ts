// `kindlab reload [component...]`: put a build of the cluster's checkout (HEAD with your edits by
// default) into a running kindlab cluster, only the components the change touches, and optionally
// run scenarios against it; --watch does it on every save. The work is src/workflows/reload.ts.
import type { Command } from 'commander';
import { Option } from 'commander';
import { UsageError } from '../errors.js';
import { table } from '../util/table.js';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';
import { collect, runFlags } from './parse.js';
import { addReportFlags } from './target-flags.js';
import { pickCluster } from './pick-cluster.js';

interface ReloadFlags {
  cluster?: string;
  ref: string;
  kubeRoot?: string;
  baseImage?: string;
  run: string[];
  watch?: boolean;
  dryRun?: boolean;
  output: 'text' | 'json';
  junit?: string;
  json?: string;
  html?: string;
  shard?: string;
  parallel?: string;
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  addReportFlags(
    cmd
      .argument('[components...]', 'kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, and kubectl (the one runs against the cluster use); default: those the change touches')
    .option('--cluster <name>', 'a cluster kindlab created (default: the only one, else "kindlab")')
    .option('--ref <ref>', 'the tree to build: a ref of the checkout; HEAD includes your uncommitted edits', 'HEAD')
    .option('--kube-root <dir>', 'Kubernetes checkout (default: the one the cluster was built from, else $KUBE_ROOT, else the current directory)')
    .option('--base-image <image>', "kube-proxy's new image is this image plus the binary (default: $KINDLAB_BASE_IMAGE, else kind's base image)")
    .option('--run <selector>', 'after the reload, run these scenarios (as kindlab run selects them) against the cluster; repeatable', collect, [] as string[])
    .option('--watch', 'reload (and --run) again on every save to a file the components are built from, until Ctrl-C')
    .option('--dry-run', 'print the build and every command that would change the cluster, do nothing')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text')),
  )
    .addHelpText(
      'after',
      `
Examples:
  kindlab reload --cluster dev                     # what your edits touch, built and put in
  kindlab reload --cluster dev kubelet             # only the kubelet, whatever changed
  kindlab reload --cluster dev --run grpc-probe    # then run a scenario against it
  kindlab reload --cluster dev --watch --run 'e2e:ValidatingAdmissionPolicy'
  kindlab reload --cluster dev --ref v1.37.3 --dry-run

What changed is decided from Go's dependency graph: the files that differ between what the cluster
runs (its node image's commit and your uncommitted changes it was built with, or the last reload's)
and the tree now, against the package folders \`go list -deps\` names for each ./cmd/<component>.
Those are built in a worktree with the tree's Go and the flags of every kindlab build (the Go build
cache makes it an incremental build); their version says the tree, e.g. v1.37.2-dirty-0a1b2c3d.

kind clusters: control-plane components first (an image from the new binary, imported into each
control-plane node's containerd, the static pod manifest pointed at it: the kubelet restarts the
pod), then the kubelet of every node (binary replaced, unit restarted; its flags and config, such as
failCgroupV1: false, stay), then kube-proxy (its DaemonSet pointed at an image of the new binary on
--base-image, loaded into every node; the rollout must bring it to every node, else it is undone). Each must serve the new version and be ready before the next is touched;
one that does not come back is put back as it was and the reload stops with an error that says so.
Ctrl-C leaves the cluster usable: kindlab ls names what was replaced and what may be between builds,
and the next reload goes on from there.

The cluster's record (kindlab ls -o json) keeps what it runs now and every reload.`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, components: string[], flags: ReloadFlags): Promise<number> {
  const { parseComponents } = await import('../reload/components.js');
  const named = parseComponents(components);
  if (flags.watch && flags.dryRun) throw new UsageError('--watch and --dry-run do not go together (a dry run changes nothing to watch for)');
  if (flags.watch && flags.output === 'json') throw new UsageError('--watch prints as it goes; -o json is for a single reload');
  const cluster = pickCluster(ctx, flags.cluster);
  const reports = flags.junit || flags.json || flags.html || flags.shard;
  if (reports && !flags.run.length) throw new UsageError('--junit, --json, --html and --shard are for the scenarios of --run; give --run <selector>');
  const settings = await runFlags({ ...flags, parallel: flags.parallel ?? '4' }, ctx.cwd);
  if (flags.run.length) {
    // Checked before a build is paid for: a misspelt selector is a usage error now, not after.
    const { listScenarios } = await import('../workflows/list.js');
    const selected = await listScenarios(ctx, { selectors: flags.run, scenariosDir: [], builtin: true, shard: undefined });
    if (selected.length === 0) throw new UsageError(`--run ${flags.run.join(' ')} selects no scenario`, { hint: 'kindlab run --list shows them' });
  }
  const { reloadWorkflow } = await import('../workflows/reload.js');
  const { commandEnv } = await import('./dry-run.js');
  const json = flags.output === 'json';
  const { app, printed } = commandEnv(ctx, flags);
  const request = { cluster, components: named, ref: flags.ref, kubeRoot: flags.kubeRoot, baseImage: flags.baseImage };

  let kubeRoot: string | undefined;
  const once = async (): Promise<number> => {
    const out = await reloadWorkflow(app, request);
    kubeRoot = out.kubeRoot;
    if (json) ctx.io.stdout(JSON.stringify(flags.dryRun ? { dryRun: true, ...out, printed } : out, null, 2) + '\n');
    else renderReload(ctx, out, Boolean(flags.dryRun));
    if (!flags.run.length || flags.dryRun) return 0;
    return runScenarios(ctx, cluster, flags.run, { ...settings, junit: flags.junit, json: flags.json, html: flags.html });
  };
  if (!flags.watch) return once();

  const { watchReloads } = await import('../workflows/reload-watch.js');
  const { reloadCheckout } = await import('../workflows/reload.js');
  const { reportError } = await import('./report-error.js');
  let code = 0;
  const cycle = async (): Promise<void> => {
    try {
      code = await once();
    } catch (e) {
      code = reportError(e, ctx.io, false);
    }
  };
  await cycle();
  if (ctx.signal.aborted) return code;
  // The first reload may have failed before it named its checkout (a build error is the usual case).
  await watchReloads(app, kubeRoot ?? (await reloadCheckout(app, request)).path, cycle);
  // Ctrl-C ends a watch; its exit code is the last cycle's.
  return code;
}

async function runScenarios(ctx: CliContext, cluster: string, selectors: string[], settings: Awaited<ReturnType<typeof runFlags>> & { junit?: string; json?: string; html?: string }): Promise<number> {
  const { runWorkflow } = await import('../workflows/run.js');
  const { renderRun } = await import('./render-run.js');
  const out = await runWorkflow(ctx, { selectors, cluster, scenariosDir: [], builtin: true, ...settings });
  return renderRun(ctx, out.report, out.written, out.artifactsDir);
}

function renderReload(ctx: CliContext, out: import('../workflows/reload.js').ReloadOutcome, dryRun: boolean): void {
  if (out.nothing) {
    ctx.io.stdout(`nothing to reload: ${out.nothing}\n`);
    return;
  }
  const s = (n: number): string => `${n.toFixed(1)} s`;
  const lines = [`cluster "${out.cluster}": ${out.from} → ${out.to}`, ...out.plan.because.map((b) => `  ${b.component}: ${b.because}`)];
  if (out.build && !dryRun) lines.push(`built ${out.plan.components.join(', ')} (${out.build.version}) in ${s(out.build.seconds)}${out.build.cacheHit ? ' (cache hit)' : ''}${out.build.logFile ? `; log: ${out.build.logFile}` : ''}`);
  ctx.io.stdout(lines.join('\n') + '\n');
  if (dryRun) {
    ctx.io.stdout('dry run: nothing was built or changed\n');
    return;
  }
  if (out.replaced.length) ctx.io.stdout(table(['COMPONENT', 'WHERE', 'SERVES', 'READY AFTER'], out.replaced.map((r) => [r.component, r.where, r.version, s(r.seconds)])));
  if (out.kubectl) ctx.io.stdout(`kubectl for runs against "${out.cluster}": ${out.kubectl}\n`);
  ctx.io.stdout(`reloaded in ${s(out.seconds)}\n`);
  if (out.partial) ctx.io.stdout(`note: ${out.partial}\n`);
}
