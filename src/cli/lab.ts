// `kindlab lab build|node|ls`: the lab from the installed CLI. `build` makes the binaries the
// local provider runs (src/lab/lab.ts, as `npm run lab` in a clone); `node` makes a kind node's
// ingredients (the package's lab/node/build.sh); `ls` shows what the lab cache holds.
import { Option, type Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';
import { EnvironmentError, UsageError } from '../errors.js';
import { binariesIntact, kubeDir, labCacheRoot, readManifest, type LabManifest } from '../lab/cache.js';
import { releaseCheckoutDir } from '../lab/checkout.js';
import { DEFAULT_K8S_VERSION, LAB_SOURCES, normalizeK8sVersion, type LabSource } from '../lab/lab.js';
import { table } from '../util/table.js';
import { normalizeVersion } from '../cluster/image-version.js';

/** The package's lab scripts (lab/node/build.sh), beside dist/ in a clone and in an installed package. */
const LAB_NODE_SCRIPT = fileURLToPath(new URL('../../lab/node/build.sh', import.meta.url));

interface BuildFlags {
  components?: string;
  etcdVersion?: string;
  go?: string;
  kubeRoot?: string;
  from: LabSource;
  force?: boolean;
  dryRun?: boolean;
  output: 'text' | 'json';
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  cmd.addHelpText(
    'after',
    `
Examples:
  kindlab lab build                       # v${DEFAULT_K8S_VERSION.slice(1)}: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
  kindlab lab build v1.28.15 --components kube-apiserver,kube-controller-manager --from module
  kindlab lab node v1.37.2                # a kind node's ingredients: base image, images, checkout, e2e.test
  kindlab lab ls

Everything goes to the lab cache ($KINDLAB_LAB_CACHE, else ~/.cache/kindlab/lab), built from the Go
module proxy (and Debian for the node's base image): nothing comes from a container registry.
\`lab build\` compiles the release's source tree, which it assembles from the proxy (node/kubernetes-<v>):
the node image, components and e2e.test of that release then compile no package again.`,
  );
  cmd
    .command('build')
    .description('build (or find cached) the Kubernetes and etcd binaries of a release for the local provider')
    .argument('[version]', 'Kubernetes release', DEFAULT_K8S_VERSION)
    .option('--components <list>', 'comma-separated commands under k8s.io/kubernetes/cmd, and e2e.test and ginkgo (from a tree)')
    .option('--etcd-version <version>', "etcd server release (default: kubeadm's for the release)")
    .addOption(new Option('--from <source>', "tree: the release's source tree (assembled from the module proxy), its Go and the flags of node-image builds, so later builds of the release reuse its packages; module: the proxy's copy of k8s.io/kubernetes").choices(LAB_SOURCES).default('tree'))
    .option('--go <toolchain>', 'with --from module: auto (default), local, or a Go version fetched through the module proxy')
    .option('--kube-root <dir>', "the tree to build from, at the release's tag (default: the lab's checkout of the release)")
    .option('--force', 'rebuild even when the cache has the binaries')
    .option('--dry-run', 'say what would be built and where, and whether the cache has it; build nothing')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(run(async () => buildHandler));
  cmd
    .command('node')
    .description("build a kind node's ingredients for a release, offline: the base image, the images kind and the scenarios need, a checkout, e2e.test")
    .argument('[version]', 'Kubernetes release', DEFAULT_K8S_VERSION)
    .option('--dry-run', 'print the command; build nothing')
    .action(run(async () => nodeHandler));
  cmd
    .command('ls')
    .description('what the lab cache holds: releases, their binaries, node ingredients')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(run(async () => lsHandler));
};

/** A release the lab can build: vX.Y.Z that exists (checked before the module proxy is asked). */
function release(version: string): string {
  try {
    return normalizeK8sVersion(normalizeVersion(version));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/^--k8s-version "?([^" ]+)"?/, 'lab: $1')}`, { hint: `a Kubernetes release, e.g. ${DEFAULT_K8S_VERSION}` });
  }
}

function requireTool(ctx: CliContext, name: string, why: string, hint: string): void {
  const dirs = (ctx.env.PATH ?? '').split(':').filter(Boolean);
  if (!dirs.some((d) => existsSync(join(d, name)))) throw new EnvironmentError(`${name} is not on PATH; the lab needs it ${why}`, { hint });
}

async function buildHandler(ctx: CliContext, version: string, flags: BuildFlags): Promise<number> {
  const v = release(version);
  const components = flags.components?.split(',').map((s) => s.trim()).filter(Boolean);
  if (flags.components !== undefined && !components?.length) throw new UsageError('--components is empty', { hint: 'e.g. --components kube-apiserver,kube-controller-manager' });
  const cache = labCacheRoot(ctx.env);
  if (flags.dryRun) {
    const dir = kubeDir(cache, v);
    const m = readManifest<LabManifest>(dir);
    const have = m?.schema === 1 && binariesIntact(join(dir, 'bin'), m.kubernetes.binaries) ? m.kubernetes.binaries.map((b) => b.name) : [];
    const want = components ?? ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'];
    const missing = want.filter((c) => !have.includes(c));
    const tree = flags.from === 'tree' ? (flags.kubeRoot ?? releaseCheckoutDir(cache, v)) : null;
    const plan = { version: v, cache, binDir: join(dir, 'bin'), components: want, cached: missing.length === 0 && !flags.force, wouldBuild: flags.force ? want : missing, from: flags.from, fromTree: tree };
    if (flags.output === 'json') ctx.io.stdout(JSON.stringify({ dryRun: true, ...plan }, null, 2) + '\n');
    else ctx.io.stdout(`lab build of Kubernetes ${v} into ${plan.binDir}\n  ${plan.cached ? 'cached: nothing to build' : `would build: ${plan.wouldBuild.join(', ')}${tree ? ` from the tree ${tree}${flags.kubeRoot || existsSync(join(tree, '.git')) ? '' : ' (assembled first from the Go module proxy)'}` : " from the Go module proxy's copy"}, and etcd`}\n`);
    return 0;
  }
  requireTool(ctx, 'go', 'to compile Kubernetes and etcd', 'install Go (https://go.dev/dl) or your distribution’s golang package; the module proxy must be reachable');
  if (flags.from === 'tree' && !flags.kubeRoot) {
    for (const tool of ['git', 'jq', 'perl']) requireTool(ctx, tool, "to assemble the release's source tree (lab/node/kube-checkout.sh)", `install ${tool}, or build from the module proxy's copy with --from module`);
  }
  const { runLab } = await import('../lab/lab.js');
  const { labJson, labSummary } = await import('../lab/summary.js');
  const r = await runLab(
    { k8sVersion: v, etcdVersion: flags.etcdVersion, force: flags.force, go: flags.go, from: flags.from, kubeRoot: flags.kubeRoot, components },
    { runner: ctx.runner, signal: ctx.signal, env: ctx.env, note: (m) => ctx.io.stderr(`lab: ${m}\n`) },
  );
  ctx.io.stdout(flags.output === 'json' ? labJson(r) : labSummary(r));
  return 0;
}

async function nodeHandler(ctx: CliContext, version: string, flags: { dryRun?: boolean }): Promise<number> {
  const v = release(version);
  const args = [LAB_NODE_SCRIPT, '--k8s-version', v];
  if (flags.dryRun) {
    ctx.io.stdout(`bash ${args.join(' ')}\n`);
    return 0;
  }
  for (const [tool, hint] of [
    ['go', 'install Go; the module proxy must be reachable'],
    ['docker', 'install docker and start the daemon (the base image and the images are built into it)'],
    ['bash', 'install bash'],
  ] as const) {
    requireTool(ctx, tool, `to build a node's ingredients`, hint);
  }
  // The script's progress goes to stderr as it comes; its KEY=VALUE summary to stdout.
  const r = await ctx.runner.run('bash', args, { signal: ctx.signal, env: ctx.env, passStderr: true });
  ctx.io.stdout(r.stdout);
  return 0;
}

async function lsHandler(ctx: CliContext, flags: { output: 'text' | 'json' }): Promise<number> {
  const cache = labCacheRoot(ctx.env);
  const { readdirSync } = await import('node:fs');
  const releases = existsSync(cache)
    ? readdirSync(cache)
        .filter((e) => e.startsWith('k8s-'))
        .map((e) => {
          const dir = join(cache, e);
          const m = readManifest<LabManifest>(dir);
          const intact = m?.schema === 1 && binariesIntact(join(dir, 'bin'), m.kubernetes.binaries);
          return { version: m?.kubernetes.version ?? e.slice(4), binDir: join(dir, 'bin'), complete: Boolean(intact), binaries: m?.kubernetes.binaries.map((b) => b.name) ?? [], etcd: m?.etcd.version, fromTree: Boolean(m?.kubernetes.source) };
        })
    : [];
  const nodeEnv = ctx.env.KINDLAB_LAB_NODE_ENV ?? join(cache, 'node', 'lab-node.env');
  const node = existsSync(nodeEnv) ? Object.fromEntries(readFileSync(nodeEnv, 'utf8').split('\n').map((l) => /^([A-Z_0-9]+)=(.*)$/.exec(l)).filter((m): m is RegExpExecArray => Boolean(m)).map((m) => [m[1]!, m[2]!])) : undefined;
  if (flags.output === 'json') {
    ctx.io.stdout(JSON.stringify({ cache, releases, node: node ?? null }, null, 2) + '\n');
    return 0;
  }
  ctx.io.stdout(`lab cache: ${cache}\n`);
  ctx.io.stdout(releases.length ? table(['RELEASE', 'STATE', 'ETCD', 'BINARIES'], releases.map((r) => [r.version, r.complete ? (r.fromTree ? 'built (tree)' : 'built') : 'incomplete', r.etcd ?? '-', r.binaries.join(',')])) : 'no release built (kindlab lab build)\n');
  ctx.io.stdout(node ? `node ingredients (${nodeEnv}): ${node.K8S_VERSION ?? '?'}, base image ${node.BASE_IMAGE ?? '?'}\n` : `no node ingredients (kindlab lab node)\n`);
  return 0;
}
