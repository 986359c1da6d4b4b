// What a provider can do, declared by the provider itself (src/cluster/<name>/descriptor.ts).
// Planning, target resolution, the run's steps and the commands ask these questions instead of
// comparing names: everything provider-specific the rest of kindlab needs is reachable from here.
import type { ClusterProvider } from './provider.js';
import type { HostFacts } from '../plan/host.js';
import type { BuildDeps } from '../source/build-image.js';
import type { ProcessRunner } from '../exec/runner.js';

export interface ProviderCapabilities {
  /** Makes and deletes clusters (false: a cluster someone else made, reached by kubeconfig). */
  createsClusters: boolean;
  /** Runs kubelets: scenarios that need running pods can run on it. */
  nodes: boolean;
  /** What its clusters are made from: a kind node image, or Kubernetes binaries on this machine. */
  runsFrom: 'node-image' | 'binaries' | 'nothing';
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

/** What a build from a ref gave a provider's clusters to run: binaries, or a node image. */
export interface BuiltFromRef {
  binDir?: string;
  image?: string;
  commit: string;
  /** The Kubernetes version the build reports, e.g. v1.37.2-3+abcdef. */
  version?: string;
}

export interface ProviderDescriptor {
  readonly name: string;
  /** One line for --help and plan output. */
  readonly summary: string;
  readonly capabilities: ProviderCapabilities;
  /** The implementation, imported only when a cluster is created, deleted or inspected. */
  load(): Promise<ClusterProvider>;
  /** Where its Kubernetes binaries are found when none are given (runsFrom 'binaries'). */
  defaultBinDir?(env: NodeJS.ProcessEnv): string | undefined;
  /** Builds what its clusters run from a ref of a Kubernetes checkout (cached by commit). */
  buildFromRef?(source: { kubeRoot: { path: string; from: string }; ref: string }, deps: BuildDeps & { env: NodeJS.ProcessEnv }): Promise<BuiltFromRef>;
  /** The machine its nodes run on, read-only (kernel, cgroups, the node image's runtime); undefined when unreadable. */
  hostFacts?(ctx: { runner: ProcessRunner; signal?: AbortSignal }, image: string | undefined): Promise<HostFacts | undefined>;
}
