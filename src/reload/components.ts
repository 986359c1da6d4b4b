// Pure: the Kubernetes components `kindlab reload` can replace in a running cluster, each built
// from its own command package.
import { UsageError } from '../errors.js';

export const RELOADABLE = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy'] as const;
export type ReloadComponent = (typeof RELOADABLE)[number];

/**
 * What a reload can build: the cluster's components, and the kubectl that scenarios run against
 * it (a client on this machine, kept beside the cluster's record; no provider replaces it).
 */
export const RELOAD_TARGETS = [...RELOADABLE, 'kubectl'] as const;
export type ReloadTarget = (typeof RELOAD_TARGETS)[number];

export const isClusterComponent = (t: ReloadTarget): t is ReloadComponent => t !== 'kubectl';

export const commandPackage = (c: string): string => `./cmd/${c}`;

/** Components named on the command line, checked; none named = undefined (decided by the build). */
export function parseComponents(names: readonly string[]): ReloadTarget[] | undefined {
  if (names.length === 0) return undefined;
  const unknown = names.filter((n) => !(RELOAD_TARGETS as readonly string[]).includes(n));
  if (unknown.length) {
    throw new UsageError(`${unknown.join(', ')}: not a component kindlab reload can replace`, { hint: `name any of: ${RELOAD_TARGETS.join(', ')} (or none: the ones your change touches)` });
  }
  // In the order they are replaced: the control plane before the kubelets that talk to it.
  return RELOAD_TARGETS.filter((c) => names.includes(c));
}
