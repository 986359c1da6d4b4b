// What a provider can do, declared by the provider itself (src/cluster/<name>/descriptor.ts).
// Planning, target resolution and the commands ask these questions instead of comparing names.
import type { ClusterProvider } from './provider.js';

export interface ProviderCapabilities {
  /** Runs kubelets: scenarios that need running pods can run on it. */
  nodes: boolean;
  /** What its clusters are made from: a kind node image, or Kubernetes binaries on this machine. */
  runsFrom: 'node-image' | 'binaries';
  /** Its kube-apiserver runs on this machine, so it reaches this machine's loopback. */
  apiServerOnHost: boolean;
  /** Takes the user's kind config (up --config). */
  kindConfig: boolean;
  /** Can merge its kubeconfig into the user's (up --export-kubeconfig). */
  exportsKubeconfig: boolean;
  /**
   * Relative cost of a cluster (time and memory): what several providers can run goes to the
   * cheapest.
   */
  cost: number;
}

export interface ProviderDescriptor {
  readonly name: string;
  /** One line for --help and plan output. */
  readonly summary: string;
  readonly capabilities: ProviderCapabilities;
  /** The implementation, imported only when a cluster is created, deleted or inspected. */
  load(): Promise<ClusterProvider>;
}
