// The target flags `plan` and `test` share with `up`.
import { Option, type Command } from 'commander';

export function addTargetFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--provider <provider>', 'auto: local for API-only scenarios when binaries exist, kind for the rest').choices(['auto', 'local', 'kind']).default('auto'))
    .option('--ref <ref>', 'a Kubernetes ref in --kube-root (gates are read from that commit)')
    .option('--image <image>', 'a kind node image')
    .option('--k8s-version <version>', "a released version (kind's published image)")
    .option('--kube-root <dir>', 'Kubernetes checkout for --ref (default: $KUBE_ROOT, else the current directory)')
    .option('--bin-dir <dir>', 'local provider binaries (default: the lab cache from npm run lab)')
    .option('--scenarios-dir <dir>', 'also load scenarios from this folder; repeatable', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--no-builtin', 'only the scenarios from --scenarios-dir');
}
