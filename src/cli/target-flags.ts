// Flags several commands share: the target (plan, test, matrix, bisect) and the reports (run,
// test, matrix).
import { Option, type Command } from 'commander';
import { collect } from './parse.js';
import { providerNames } from '../cluster/providers.js';

export function addTargetFlags(cmd: Command): Command {
  return addScenarioSourceFlags(
    cmd
      .addOption(new Option('--provider <provider>', 'auto: the cheapest provider that can run each scenario (local for API-only scenarios when binaries exist, kind for the rest)').choices(['auto', ...providerNames()]).default('auto'))
      .option('--ref <ref>', 'a Kubernetes ref in --kube-root (gates are read from that commit)')
      .option('--image <image>', 'a kind node image')
      .option('--k8s-version <version>', "a released version (kind's published image)")
      .option('--kube-root <dir>', 'Kubernetes checkout for --ref (default: $KUBE_ROOT, else the current directory)')
      .option('--bin-dir <dir>', 'local provider binaries (default: the lab cache from npm run lab)'),
  );
}

export function addScenarioSourceFlags(cmd: Command): Command {
  return cmd
    .option('--scenarios-dir <dir>', 'also load scenarios (.ts files) from this folder; repeatable', collect, [] as string[])
    .option('--no-builtin', 'only the scenarios from --scenarios-dir');
}

export function addReportFlags(cmd: Command): Command {
  return cmd
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write a JSON report')
    .option('--html <file>', 'write a self-contained HTML report (steps, timings, logs, failures, artifact links)')
    .option('--shard <i/n>', 'run only shard i of n: a stable split of the selected scenarios for n CI runners');
}

/** The one opt-in for a run that tested nothing (every check skipped because this machine could not run it). */
export function addUntestedFlag(cmd: Command): Command {
  return cmd.option('--allow-untested', 'exit 0 even when nothing was tested: every selected check was skipped because this machine or cluster could not run it (exit 3 otherwise)');
}
