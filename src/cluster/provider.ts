// The narrow interface every cluster provider implements (kind, local). Optional abilities
// are separate interfaces with type guards, so no provider writes no-op methods.
import type { ProcessRunner } from '../exec/runner.js';
import type { Logger } from '../util/logger.js';
import type { StateStore } from '../state/store.js';
import type { ClusterRecord, ProviderName } from '../state/records.js';
import type { ClusterProfile } from './profile.js';
import type { ProviderCapabilities } from './capabilities.js';
import type { ReloadComponent } from '../reload/components.js';
import type { Phases } from '../util/phases.js';

export interface ProviderContext {
  runner: ProcessRunner;
  store: StateStore;
  log: Logger;
  signal?: AbortSignal;
  /** Print commands and configs, change nothing. */
  dryRun?: boolean;
  /** Where --dry-run output (rendered configs) goes; defaults to the logger. */
  print?: (text: string) => void;
}

export interface CreateRequest {
  name: string;
  profile: ClusterProfile;
  /**
   * The Kubernetes build the cluster runs, in the form the provider runs from (its
   * capabilities.runsFrom); absent: the provider's own default.
   */
  build?: KubernetesBuild;
  /** Kubernetes version the cluster will run, when known (selects config dialects). */
  kubernetesVersion?: string;
  commit?: string;
  /** The user's own config file for the provider, parsed (only where capabilities.kindConfig). */
  userConfig?: { path: string; parsed: unknown };
  /** Run kube-scheduler too, where the provider leaves it out unless asked (no nodes to schedule on). */
  withScheduler?: boolean;
  /** Seconds to wait for readiness. */
  waitSeconds?: number;
}

/** A Kubernetes build in one of the forms a provider runs from (capabilities.runsFrom). */
export type KubernetesBuild = { runsFrom: 'node-image'; image: string } | { runsFrom: 'binaries'; binDir: string };

/** The build a provider running from `form` gets, of what a target holds (it may hold both forms). */
export function buildInForm(form: ProviderCapabilities['runsFrom'], have: { image?: string; binDir?: string }): KubernetesBuild | undefined {
  if (form === 'node-image') return have.image ? { runsFrom: form, image: have.image } : undefined;
  if (form === 'binaries') return have.binDir ? { runsFrom: form, binDir: have.binDir } : undefined;
  return undefined;
}

/** The node image a request names, if it names one. */
export function requestedImage(req: CreateRequest): string | undefined {
  return req.build?.runsFrom === 'node-image' ? req.build.image : undefined;
}

/** The folder of binaries a request names, if it names one. */
export function requestedBinDir(req: CreateRequest): string | undefined {
  return req.build?.runsFrom === 'binaries' ? req.build.binDir : undefined;
}

/** What a provider can say about a cluster that exists in reality (not just in state). */
export interface LiveCluster {
  name: string;
  /** Created by kindlab (labelled), as far as the provider can tell. */
  ownedByKindlab: boolean;
}

export interface ClusterProvider {
  readonly name: ProviderName;
  create(req: CreateRequest, ctx: ProviderContext): Promise<ClusterRecord>;
  delete(rec: ClusterRecord, ctx: ProviderContext): Promise<void>;
  /** Clusters that exist in reality, to reconcile state (deleted by hand, or not ours). */
  listLive(ctx: ProviderContext): Promise<LiveCluster[]>;
  /** Whether it can create clusters on this machine (its tools are there), else why not. */
  available(ctx: ProviderContext): Promise<true | string>;
}

/** Providers whose kubeconfig can be merged into the user's own (up --export-kubeconfig). */
export interface KubeconfigExporter {
  exportKubeconfig(rec: ClusterRecord, ctx: ProviderContext): Promise<void>;
}

export function canExportKubeconfig(p: ClusterProvider): p is ClusterProvider & KubeconfigExporter {
  return typeof (p as Partial<KubeconfigExporter>).exportKubeconfig === 'function';
}

export interface LogCollector {
  exportLogs(rec: ClusterRecord, dir: string, ctx: ProviderContext): Promise<void>;
}

export function canExportLogs(p: ClusterProvider): p is ClusterProvider & LogCollector {
  return typeof (p as Partial<LogCollector>).exportLogs === 'function';
}

/** Providers that can read which images the nodes' container runtimes hold right now. */
export interface NodeImageLister {
  /** Image references present on every node of the cluster. */
  nodeImages(rec: ClusterRecord, ctx: ProviderContext): Promise<string[]>;
}

export function canListNodeImages(p: ClusterProvider): p is ClusterProvider & NodeImageLister {
  return typeof (p as Partial<NodeImageLister>).nodeImages === 'function';
}

/** Providers that can put images from the local docker daemon into a cluster's nodes. */
export interface ImageLoader {
  loadImages(rec: ClusterRecord, images: string[], ctx: ProviderContext): Promise<void>;
}

export function canLoadImages(p: ClusterProvider): p is ClusterProvider & ImageLoader {
  return typeof (p as Partial<ImageLoader>).loadImages === 'function';
}

/** The Kubernetes tree a cluster's components were built from, as far as its provider can tell. */
export interface ClusterSource {
  commit: string;
  describe: string;
  kubeRoot?: string;
  /** The uncommitted changes the build was made with, when kindlab kept them (a dirty describe without one: unknown). */
  patchFile?: string;
}

/** Binaries built from one tree state for a reload, and the version they report. */
export interface ReloadPayload {
  binDir: string;
  components: readonly ReloadComponent[];
  version: string;
  /** kube-proxy runs iptables/nft: its image is this image plus the binary (set when kube-proxy is reloaded). */
  kubeProxyBase?: string;
}

export interface ReloadedComponent {
  component: ReloadComponent;
  /** Where it runs now (a node, or this machine). */
  where: string;
  /** The version it serves now, as read back from the cluster. */
  version: string;
  seconds: number;
}

/** What a reload is given beside the provider context: where progress goes, and each landing as it happens. */
export type ReloadContext = ProviderContext & {
  phases: Phases;
  /** Before a component is touched: if the run is cut off now, that one may run either build. */
  onReplacing: (component: ReloadComponent, where: string) => void;
  onReplaced: (r: ReloadedComponent) => void;
};

/** Providers that can put other builds of the Kubernetes components into a running cluster. */
export interface ComponentReloader {
  clusterSource(rec: ClusterRecord, ctx: ProviderContext): Promise<ClusterSource | undefined>;
  /** The components this cluster runs (a local cluster has no kubelet, and a scheduler only when asked). */
  reloadable(rec: ClusterRecord): readonly ReloadComponent[];
  /**
   * Replaces each component, waits until it is healthy and serves `payload.version`, and says so
   * through `onReplaced` as each lands (the record's truth if the run is cut off). A component that
   * does not come back is put back as it was before the error is thrown.
   */
  reloadComponents(rec: ClusterRecord, payload: ReloadPayload, ctx: ReloadContext): Promise<ReloadedComponent[]>;
}

export function canReloadComponents(p: ClusterProvider): p is ClusterProvider & ComponentReloader {
  return typeof (p as Partial<ComponentReloader>).reloadComponents === 'function';
}

/** Binaries of the version a cluster is upgraded to, built from one tree. */
export interface UpgradePayload {
  /** kubeadm, kubelet, kubectl, kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy. */
  binDir: string;
  /** The version they report, e.g. v1.37.2 (what `kubeadm upgrade apply` is given). */
  version: string;
  /** A version with a pre-release part: kubeadm wants --allow-experimental-upgrades. */
  experimental: boolean;
  /** The same release the cluster runs, rebuilt (e.g. from edits): kubeadm sees a downgrade and must be forced. */
  rebuild?: boolean;
  /** Every kubelet keeps the version it runs (a version-skew run): only the control plane moves. */
  kubeletsStay?: boolean;
  /** kube-proxy runs iptables/nft: its image is this image plus the binary. */
  kubeProxyBase: string;
  /**
   * Where the target's other images (etcd, CoreDNS, pause) come from when a node lacks them:
   * `docker save` archives (--images), then the local docker daemon. Nothing is pulled.
   */
  imageArchives: string[];
}

/** One step of an upgrade as it landed (kubeadm's phases are inside `upgrade apply`). */
export interface UpgradeStepDone {
  step: string;
  where: string;
  seconds: number;
  /** The version the node or component reports afterwards. */
  version?: string;
}

export type UpgradeContext = ProviderContext & {
  phases: Phases;
  /** Before a step changes the cluster: if the run is cut off now, that part may be at either version. */
  onStep: (step: string, where: string) => void;
  onDone: (s: UpgradeStepDone) => void;
};

/** Providers that can move a running cluster to another Kubernetes version the way kubeadm does. */
export interface ClusterUpgrader {
  /**
   * Upgrades the control plane (`kubeadm upgrade apply` with the new kubeadm and images), then each
   * node (`kubeadm upgrade node`, the new kubelet) unless `kubeletsStay`. Throws naming the step that
   * failed and the state the cluster is left in.
   */
  upgradeCluster(rec: ClusterRecord, payload: UpgradePayload, ctx: UpgradeContext): Promise<UpgradeStepDone[]>;
}

export function canUpgrade(p: ClusterProvider): p is ClusterProvider & ClusterUpgrader {
  return typeof (p as Partial<ClusterUpgrader>).upgradeCluster === 'function';
}
