#!/usr/bin/env node
// `npm run lab [-- options]` (the installed CLI: `kindlab lab build`, src/cli/lab.ts): builds (or reuses) the lab binaries and prints their folder as the
// last line of stdout, so scripts can do BIN=$(npm run -s lab | tail -1).
import { Command, Option } from 'commander';
import { ExecaRunner } from '../exec/runner.js';
import { isKindlabError } from '../errors.js';
import { onInterrupt } from '../util/abort.js';
import { DEFAULT_K8S_VERSION, LAB_SOURCES, runLab, type LabSource } from './lab.js';
import { labCacheRoot } from './cache.js';
import { labJson, labSummary } from './summary.js';

interface Flags {
  k8sVersion: string;
  etcdVersion?: string;
  cache?: string;
  force?: boolean;
  json?: boolean;
  go?: string;
  components?: string;
  kubeRoot?: string;
  from?: LabSource;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('lab')
    .description("Build Kubernetes and etcd binaries from the Go module proxy for the local provider (cached; a second run reuses them). Kubernetes is built from the release's source tree, assembled from the proxy, so that node images and test binaries of the release reuse its compiled packages.")
    .option('--k8s-version <version>', 'Kubernetes release', DEFAULT_K8S_VERSION)
    .option('--etcd-version <version>', "etcd server release (default: kubeadm's for the Kubernetes release)")
    .option('--cache <dir>', `cache folder (default: $KINDLAB_LAB_CACHE, else ${labCacheRoot({})})`)
    .option('--components <list>', 'comma-separated commands under k8s.io/kubernetes/cmd, and e2e.test (upstream\'s e2e test binary) and ginkgo (its CLI), both from a tree', 'kube-apiserver,kube-controller-manager,kube-scheduler,kubectl')
    .addOption(new Option('--from <source>', "tree: the release's source tree, its Go, the flags of node-image builds; module: the module proxy's copy of k8s.io/kubernetes (shares no compiled package)").choices(LAB_SOURCES).default('tree'))
    .option('--go <toolchain>', 'with --from module: auto (default), local, or a Go version to fetch through the module proxy (e.g. 1.21.8)')
    .option('--kube-root <dir>', "the tree to build from, at the release's tag (default: the lab's checkout of the release, assembled by lab/node/kube-checkout.sh)")
    .option('--force', 'rebuild even when the cache has the binaries')
    .option('--json', 'print the manifest and result as JSON instead of text')
    .addHelpText(
      'after',
      `
Examples:
  npm run lab
  npm run lab -- --k8s-version v1.26.15
  npm run lab -- --k8s-version v1.24.17 --from module --go 1.20.7 --cache /tmp/lab
  npm run lab -- --components kubelet,kubeadm,e2e.test --kube-root ~/src/kubernetes
  BIN=$(npm run -s lab | tail -1)

The binaries folder is the last line of stdout. See docs/lab.md.`,
    )
    .exitOverride()
    .parse(argv, { from: 'user' });
  const flags = program.opts<Flags>();
  const interrupt = onInterrupt();
  const err = (s: string): boolean => process.stderr.write(s);
  try {
    const r = await runLab(
      {
        k8sVersion: flags.k8sVersion,
        etcdVersion: flags.etcdVersion,
        cache: flags.cache,
        force: flags.force,
        go: flags.go,
        kubeRoot: flags.kubeRoot,
        from: flags.from,
        components: flags.components?.split(',').map((s) => s.trim()).filter(Boolean),
      },
      { runner: new ExecaRunner(), signal: interrupt.signal, env: process.env, note: (m) => err(`lab: ${m}\n`) },
    );
    process.stdout.write(flags.json ? labJson(r) : labSummary(r));
    return 0;
  } finally {
    interrupt.dispose();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string' && (e as { code: string }).code.startsWith('commander.')) {
      const c = (e as { code: string; exitCode?: number }).code;
      process.exit(c === 'commander.helpDisplayed' || c === 'commander.version' ? 0 : 2);
    }
    if (isKindlabError(e)) {
      process.stderr.write(`lab: error: ${e.message}\n`);
      if (e.detail) process.stderr.write(`${e.detail}\n`);
      if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
      process.exit(e.exitCode);
    }
    process.stderr.write(`lab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
