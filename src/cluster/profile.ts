// The cluster profile: everything a cluster must be configured with for the features under
// test. Flags fill it for `up`; the planner fills it from scenario requirements. Both the kind
// and the local provider read the same profile.

/** A file the API server needs (e.g. an --authentication-config file). */
export interface ProfileFile {
  /** File name, no slashes. Referenced in flag values as `${KINDLAB_FILES}/<name>`. */
  name: string;
  content: string;
}

export interface ClusterProfile {
  /** Feature gates for every component. */
  featureGates: Record<string, boolean>;
  /** kube-apiserver --runtime-config entries, e.g. { "batch/v2alpha1": "true" }. */
  runtimeConfig: Record<string, string>;
  /** Extra kube-apiserver flags (name without leading dashes). */
  apiServerExtraArgs: Record<string, string>;
  /** Extra kube-controller-manager flags. */
  controllerManagerExtraArgs: Record<string, string>;
  /** Files mounted for the API server; see ProfileFile. */
  files: ProfileFile[];
  /** Worker nodes (kind). */
  workers: number;
  /** Whether pods must actually run (needs kubelets: kind, not local). */
  needsNodes: boolean;
  /** KubeletConfiguration fields every node's kubelet runs with (kind). */
  kubelet?: Record<string, unknown>;
  /** Images the scenarios run; loaded into the nodes before they start (kind). */
  images?: string[];
  /**
   * Gates left at their default that a scenario's feature relies on (on by default, so nothing
   * sets them): a cluster that switches one off, such as a counter-proof's, cannot take it.
   */
  gatesAtDefault?: string[];
}

/** Placeholder in flag values for the folder where profile files are available to the API server. */
export const FILES_PLACEHOLDER = '${KINDLAB_FILES}';

export function emptyProfile(): ClusterProfile {
  return {
    featureGates: {},
    runtimeConfig: {},
    apiServerExtraArgs: {},
    controllerManagerExtraArgs: {},
    files: [],
    workers: 0,
    needsNodes: false,
    kubelet: {},
    images: [],
  };
}

export function substituteFilesDir(value: string, dir: string): string {
  return value.split(FILES_PLACEHOLDER).join(dir);
}

/** `A=true,B=false` form used by component flags. Sorted for stable output. */
export function featureGatesFlag(gates: Record<string, boolean>): string {
  return Object.keys(gates)
    .sort()
    .map((k) => `${k}=${gates[k]}`)
    .join(',');
}

export function runtimeConfigFlag(rc: Record<string, string>): string {
  return Object.keys(rc)
    .sort()
    .map((k) => `${k}=${rc[k]}`)
    .join(',');
}
