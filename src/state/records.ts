// The shapes of what kindlab remembers about clusters and images it created.
import type { ClusterProfile } from '../cluster/profile.js';

/** A name from the provider registry (src/cluster/providers.ts). */
export type ProviderName = string;
export type ClusterState = 'creating' | 'ready' | 'failed' | 'deleting';

export interface ClusterRecord {
  name: string;
  provider: ProviderName;
  state: ClusterState;
  createdAt: string;
  /** Process that is creating or deleting the cluster (to tell live work from a crash). */
  ownerPid?: number;
  image?: string;
  kubernetesVersion?: string;
  commit?: string;
  /** Absolute path of the kubeconfig kindlab wrote (mode 0600). */
  kubeconfig: string;
  /** The kind config kindlab rendered and passed to kind (kind provider). */
  configFile?: string;
  profile: ClusterProfile;
  /** The Kubernetes binaries the cluster runs, when it runs this machine's (its kubectl is used beside them). */
  binDir?: string;
  /** Images kindlab loaded into the nodes (kind). */
  loadedImages?: string[];
  /**
   * The tree the cluster's components were last reloaded from (`kindlab reload`); before the first
   * reload, the node image's labels say what it was built from.
   */
  source?: ClusterTree;
  /** The kubectl that runs against the cluster use, when a reload built one from the cluster's tree. */
  kubectl?: string;
  /** Every reload that changed the cluster, oldest first. */
  reloads?: ReloadEntry[];
  /** A reload under way (or cut off: `ownerPid` is gone), and what it has replaced so far. */
  reloading?: ReloadInProgress;
  /** Every upgrade of the cluster (`kindlab upgrade`, `kindlab test --upgrade-to`), oldest first. */
  upgrades?: UpgradeEntry[];
  /** An upgrade under way (or cut off: `ownerPid` is gone), and the steps that landed so far. */
  upgrading?: UpgradeInProgress;
  /**
   * What the provider keeps about its cluster for itself (the local provider: its folders, URL and
   * processes). Opaque to everything else; the provider reads it back with its own check.
   */
  providerState?: unknown;
}

export interface ClusterTree {
  commit: string;
  describe: string;
  kubeRoot?: string;
  /** The uncommitted changes built with `commit` (0600, in the cluster's folder). */
  patchFile?: string;
}

export interface ReplacedComponent {
  component: string;
  where: string;
  version: string;
  seconds: number;
}

export interface ReloadEntry {
  at: string;
  from: string;
  to: string;
  replaced: ReplacedComponent[];
  /** Why it stopped: a component that did not come back (put back as it was), or a failed wait. */
  failed?: string;
}

export interface ReloadInProgress {
  ownerPid: number;
  startedAt: string;
  from: string;
  to: string;
  components: string[];
  replaced: ReplacedComponent[];
  /** Components being replaced now: if the run is cut off, each may run either build. */
  replacing: Array<{ component: string; where: string }>;
}

export interface UpgradeStepRecord {
  step: string;
  where: string;
  seconds: number;
  version?: string;
}

export interface UpgradeEntry {
  at: string;
  from: string;
  to: string;
  steps: UpgradeStepRecord[];
  /** The kubelets kept `from` (a version-skew run). */
  kubeletsStay?: boolean;
  /** The step that failed, and why. */
  failed?: string;
}

export interface UpgradeInProgress {
  ownerPid: number;
  startedAt: string;
  from: string;
  to: string;
  steps: UpgradeStepRecord[];
  /** The step changing the cluster now: if the run is cut off, that part may be at either version. */
  doing?: { step: string; where: string };
}

export type ImageKind = 'node-image' | 'components' | 'test-binaries' | 'reload-binaries';

export interface ImageRecord {
  kind: ImageKind;
  /** Docker tag (node-image) or a label for a components build. */
  tag: string;
  commit: string;
  describe: string;
  kubeRoot: string;
  builtAt: string;
  buildSeconds: number;
  kindVersion?: string;
  /** node-image: how it was built ('go' or 'source') and from which base image, when given. */
  builder?: string;
  baseImage?: string;
  /** Folder with built binaries (components). */
  binDir?: string;
}
