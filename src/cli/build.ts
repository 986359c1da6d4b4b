// `kindlab build [ref]`: resolve a ref in a Kubernetes checkout and build a labelled kind node
// image from it (src/workflows/build.ts; the builders are in src/source/).
import { Option } from 'commander';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';

interface BuildFlags {
  kubeRoot?: string;
  builder?: string;
  baseImage?: string;
  images?: string[];
  kindVersion?: string;
  components?: boolean;
  testBinaries?: boolean;
  etcd?: string;
  force?: boolean;
  dryRun?: boolean;
  output?: string;
}

export const register: CommandModule['register'] = (cmd, run) => {
  cmd
    .argument('[ref]', 'tag, branch, remote branch or commit SHA', 'HEAD')
    .option('--kube-root <dir>', 'Kubernetes checkout (default: $KUBE_ROOT, else the current directory)')
    .option('--force', 'rebuild even if an image for this commit exists')
    .option('--builder <go|source>', 'go: compile on this host with the Go the commit pins, then kind build node-image --type file (default; incremental, no build images needed); source: kind build node-image --type source (Kubernetes\' dockerized build)')
    .option('--base-image <image>', "kind's base image for the node (default: kind's own)")
    .option('--images <path>', 'image archives (docker save output, or a folder of *.tar) that supply every image kind fetches; nothing is pulled (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--kind-version <version>', '--dry-run without kind installed: print the command form of this kind version')
    .option('--components', 'build kube-apiserver, kube-controller-manager, kube-scheduler binaries for --provider local instead of a node image')
    .option('--test-binaries', "build upstream's e2e.test, the ginkgo CLI and kubectl (for e2e: selectors) instead of a node image")
    .option('--etcd <path>', 'with --components: the etcd binary to use (default: PATH, then <kube-root>/third_party/etcd)')
    .option('--dry-run', 'print the commands that would run, do nothing')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  kindlab build v1.33.0 --kube-root ~/src/kubernetes
  KUBE_ROOT=~/src/kubernetes kindlab build origin/release-1.33
  kindlab build            # HEAD of the checkout in the current directory, with uncommitted changes
  kindlab build 3f2a1c9 --dry-run
  kindlab build v1.37.2 --base-image my/base:1 --images ~/airgap/images   # no registry: every image from files
  kindlab build --components v1.34.0 --etcd /usr/local/bin/etcd   # binaries for: kindlab up --provider local --ref v1.34.0
  kindlab build --test-binaries HEAD   # e2e.test, ginkgo, kubectl: what kindlab test HEAD e2e:… builds first

Builders: go (default) builds kubeadm, kubelet, kubectl, kube-apiserver, kube-controller-manager,
kube-scheduler and kube-proxy in the worktree with GOTOOLCHAIN=go<.go-version> (KINDLAB_GOTOOLCHAIN
overrides), packs the control-plane images (named by the built kubeadm's \`config images list\`;
kube-proxy on the base image, which has iptables and nft) and a server tarball, and runs
\`kind build node-image --type file\`. source runs \`kind build node-image --type source\`.

--images: kind fetches pause, etcd, CoreDNS, its CNI and storage images with ctr inside its build
container. kindlab answers those fetches from the archives (and from images in the local docker
daemon) through a proxy that kind forwards into the build container (HTTPS_PROXY), with a copy of
the base image that trusts kindlab's CA; kind is not modified. An image nobody supplied fails the
build with its name. KINDLAB_BUILDER, KINDLAB_BASE_IMAGE and KINDLAB_IMAGES (":"-separated) set
the same for builds that up --ref and test <ref> start.

Every build of a commit (node image, --components, --test-binaries) compiles in a worktree with the
same Go and flags (-trimpath, tags selinux,notest), so they share Go's build cache: the second is
mostly a link, and the next commit's build compiles only what changed.

The image is tagged kindlab/node:<git describe --tags --always --dirty> and labelled
io.kindlab.commit=<sha>. A second build of the same commit is a cache hit (--force rebuilds).
The build output goes to a log file under $KINDLAB_HOME/logs; its tail is shown on failure.`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, ref: string, flags: BuildFlags): Promise<number> {
  const { buildWorkflow } = await import('../workflows/build.js');
  const { commandEnv } = await import('./dry-run.js');
  const json = flags.output === 'json';
  const { app, printed } = commandEnv(ctx, flags);
  const out = await buildWorkflow(app, { ...flags, ref, components: Boolean(flags.components), testBinaries: Boolean(flags.testBinaries) });
  if (json) ctx.io.stdout(JSON.stringify(flags.dryRun ? { dryRun: true, built: false, result: out.result, printed } : out.result, null, 2) + '\n');
  else if (out.kind !== 'node-image') ctx.io.stdout(`${out.binDir}\n`);
  else if (!flags.dryRun) ctx.io.stdout(`${out.image}\n`);
  return 0;
}
