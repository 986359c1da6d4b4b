// `kindlab test [ref] [selector...]`: flags in, the test workflow (src/workflows/test.ts), the
// summary out.
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import type { CommandModule } from './registry.js';
import { addReportFlags, addUntestedFlag, addTargetFlags } from './target-flags.js';
import { runFlags } from './parse.js';
import type { TargetFlags } from '../target/resolve.js';

interface TestFlags extends TargetFlags {
  scenariosDir: string[];
  builtin: boolean;
  parallel: string;
  timeout?: string;
  keep?: boolean;
  failFast?: boolean;
  artifacts?: string;
  junit?: string;
  json?: string;
  html?: string;
  shard?: string;
  allowUntested?: boolean;
  counterProof?: boolean;
  upgradeTo?: string;
  kubeletsStay?: boolean;
  baseImage?: string;
  upgradeImages?: string[];
}

export const register: CommandModule['register'] = (cmd: Command, run) => {
  const withFlags = addTargetFlags(
    cmd
      .argument('[ref-and-selectors...]', 'an optional Kubernetes ref first, then scenario selectors (ids, globs, tag:, kep:) and upstream e2e specs (e2e:<focus regex>, e2e:label=<Ginkgo label filter>)'),
  )
    .option('--parallel <n>', 'scenarios at once per cluster', '4')
    .option('--timeout <seconds>', 'per-scenario timeout')
    .option('--keep', 'keep clusters and namespaces afterwards')
    .option('--fail-fast', 'stop at the first cluster that does not come up or scenario that fails or errors: create no further cluster (their scenarios are reported as skipped)')
    .option('--artifacts <dir>', 'where failed scenarios’ artifacts go')
    .option('--upgrade-to <ref>', 'run the scenarios, upgrade each cluster to this ref of --kube-root the way kubeadm does, run them again: both phases side by side (kind clusters)')
    .option('--kubelets-stay', 'with --upgrade-to: only the control plane moves, the kubelets keep the old version (a version-skew run)')
    .option('--base-image <image>', "with --upgrade-to: kube-proxy's new image is this image plus the binary (default: $KINDLAB_BASE_IMAGE, else kind's base image)")
    .option('--upgrade-images <path>', "with --upgrade-to: docker save archives (or a folder of them) with the target's etcd, CoreDNS and pause (repeatable; default $KINDLAB_IMAGES)", (v: string, acc: string[] = []) => [...acc, v])
    .option('--counter-proof', 'also run each scenario whose feature gate can be switched off at the target with it off, expecting the feature on: it must fail where it asserts the feature (COUNTER-PROOF column)');
  addUntestedFlag(addReportFlags(withFlags))
    .addHelpText(
      'after',
      `
Examples:
  kindlab test --provider local                      # every API-level scenario on the lab binaries
  kindlab test v1.34.0 --kube-root ~/src/kubernetes  # build that ref, run everything that applies
  kindlab test --k8s-version v1.33.1 kep:3140 tag:sig-auth --junit out.xml
  kindlab test --image kindlab/node:v1.37.2 grpc-probe 'e2e:label=FeatureGate:GRPCContainerProbeTLS'   # with the lab's e2e.test of v1.37.2
  kindlab test --provider local --shard 2/4 --junit junit-2.xml --html report.html
  kindlab test --provider local --counter-proof      # and prove each check fails where its feature is off
  kindlab test --image kindlab/node:v1.37.1 --upgrade-to v1.37.2 --kube-root ~/src/kubernetes create-token cronjob-timezone

The first argument is taken as a ref when it is not a selector (tag:, kep:, a glob or a scenario id).

Target version: a run has one, and every cluster it creates runs it.
  <ref> / --ref    local clusters run components built from the ref, kind clusters a node image built from it
  --image          kind clusters run that image; --k8s-version V: kind's published kindest/node:V
  none of these    the version of the local binaries (--bin-dir, else the lab's from npm run lab); kind
                   clusters run a node image of exactly that version: one kindlab built (kindlab build),
                   else kindest/node:<version> if docker already has it; if there is none, the run stops
                   before creating anything and says how to get one
Local binaries of another version than --image are used beside it only as an explicit choice (--image,
or --bin-dir with --k8s-version); the run header and kindlab plan then show both versions. kindlab plan
shows the image each kind cluster will use.

Results: PASSED, FAILED (the feature did not behave), ERRORED (not a verdict on the feature: e.g. the
cluster did not come up — the run goes on with the other clusters), SKIPPED (a verdict: the feature does
not apply at this version; or this machine could not run it: no provider, an image or a host need
missing, not run after --fail-fast), INTERRUPTED (Ctrl-C). Exit code 0 when nothing failed, 1 when any
failed or errored, 3 when nothing was tested (every check skipped because this machine could not run
it; --allow-untested accepts that), 130 when interrupted.

Counter-proof (--counter-proof): mutation testing with the feature gate as the mutation. Each scenario
whose feature's gate can be switched off at the target (alpha, beta, or GA not yet locked) runs a
second time on a cluster with the gate off, told that the feature is on (kindlab plan --counter-proof
shows those clusters). COUNTER-PROVED: it failed in a step the scenario marks as asserting the feature.
NOT COUNTER-PROVED: it passed with the feature off; its checks prove nothing, and the run exits 1.
INCONCLUSIVE: it failed elsewhere, was skipped or errored. NOT-POSSIBLE: the reason (a locked GA gate
needs an older release, no gate names the feature, it does not run at the target). The variant's own
failure is the expected outcome and never fails the run.

Upgrade (--upgrade-to REF): every cluster runs the selection at the target, is upgraded to REF of
--kube-root as \`kindlab upgrade\` does it (checked against the version skew policy before anything is
built), and runs it again; scenarios that declare objects kept across an upgrade create them before
and check them after. Each result names its phase (BEFORE-UPGRADE, AFTER-UPGRADE, ACROSS-UPGRADE); the
summary shows the phases side by side. A failed upgrade errors the after-upgrade results.`,
    )
    .action(run(async () => handler));
};

async function handler(ctx: CliContext, args: string[], flags: TestFlags): Promise<number> {
  const { testWorkflow } = await import('../workflows/test.js');
  const { renderRun } = await import('./render-run.js');
  const out = await testWorkflow(ctx, {
    ...flags,
    args,
    ...(await runFlags(flags, ctx.cwd)),
  });
  return renderRun(ctx, out.report, out.written, out.artifactsDir, flags.allowUntested);
}
