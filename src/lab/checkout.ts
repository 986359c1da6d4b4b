// The source tree of a release, assembled from the Go module proxy by lab/node/kube-checkout.sh
// (the script kindlab lab node uses too), cached in the lab's node folder. The lab builds its
// binaries from this tree by default, so that a node image, components or e2e.test of the same
// release compile no package again: Go keys compiled packages by their module path and version, so
// a build from the module cache and a build from a tree never share a package.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../errors.js';
import type { ProcessRunner } from '../exec/runner.js';

/** The package's checkout script, beside dist/ in a clone and in an installed package. */
const KUBE_CHECKOUT_SCRIPT = fileURLToPath(new URL('../../lab/node/kube-checkout.sh', import.meta.url));

/** Where kube-checkout.sh keeps a release's tree (lab/node/lib.sh kube_root). */
export const releaseCheckoutDir = (cache: string, version: string): string => join(cache, 'node', `kubernetes-${version}`);

export interface CheckoutDeps {
  runner: ProcessRunner;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  note?: (msg: string) => void;
}

/**
 * The release's tree: the cached one when it is at the release's tag with nothing changed (two git
 * calls, no go command), else assembled by the script (a few minutes: the module downloads).
 */
export async function releaseCheckout(version: string, cache: string, deps: CheckoutDeps): Promise<string> {
  const dir = releaseCheckoutDir(cache, version);
  if (existsSync(join(dir, '.git')) && (await cleanAtTag(dir, version, deps))) return dir;
  deps.note?.(`assembling the source tree of ${version} from the Go module proxy into ${dir} (lab/node/kube-checkout.sh)`);
  const r = await deps.runner.run('bash', [KUBE_CHECKOUT_SCRIPT], {
    env: { K8S_VERSION: version, KINDLAB_LAB_CACHE: cache },
    signal: deps.signal,
    passStderr: true,
    allowFailure: true,
  });
  const root = /^KUBE_ROOT=(.+)$/m.exec(r.stdout)?.[1];
  if (r.exitCode !== 0 || !root) {
    throw new EnvironmentError(`could not assemble the source tree of Kubernetes ${version} (lab/node/kube-checkout.sh exited ${r.exitCode})`, {
      detail: r.stderr.trim().split('\n').slice(-10).join('\n') || undefined,
      hint: 'it needs git, jq, perl and go with the module proxy; or build from the module proxy copy with --from module',
    });
  }
  return root;
}

async function cleanAtTag(dir: string, version: string, deps: CheckoutDeps): Promise<boolean> {
  const git = (args: string[]) => deps.runner.run('git', ['-C', dir, ...args], { signal: deps.signal, allowFailure: true });
  const [head, tag] = await Promise.all([git(['rev-parse', 'HEAD']), git(['rev-parse', '--verify', '--quiet', `refs/tags/${version}^{commit}`])]);
  if (head.exitCode !== 0 || tag.exitCode !== 0 || head.stdout.trim() !== tag.stdout.trim()) return false;
  const status = await git(['status', '--porcelain']);
  return status.exitCode === 0 && status.stdout.trim() === '';
}
