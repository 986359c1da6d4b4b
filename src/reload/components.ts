// Pure: the Kubernetes components `kindlab reload` can replace in a running cluster, each built
// from its own command package.
import { UsageError } from '../errors.js';

export const RELOADABLE = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet'] as const;
export type ReloadComponent = (typeof RELOADABLE)[number];

export const commandPackage = (c: ReloadComponent): string => `./cmd/${c}`;

/** Components named on the command line, checked; none named = undefined (decided by the build). */
export function parseComponents(names: readonly string[]): ReloadComponent[] | undefined {
  if (names.length === 0) return undefined;
  const unknown = names.filter((n) => !(RELOADABLE as readonly string[]).includes(n));
  if (unknown.length) {
    throw new UsageError(`${unknown.join(', ')}: not a component kindlab reload can replace`, { hint: `name any of: ${RELOADABLE.join(', ')} (or none: the ones your change touches)` });
  }
  // In the order they are replaced: the control plane before the kubelets that talk to it.
  return RELOADABLE.filter((c) => names.includes(c));
}
