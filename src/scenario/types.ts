// The scenario API: what a scenario file declares (metadata + requirements) and the context
// its run(ctx) receives. Scenario files default-export defineScenario({...}).
import type * as k8s from '@kubernetes/client-node';
import type { NodeFacts } from '../plan/existing.js';

/**
 * Why a check was skipped, which decides whether the skip is a result:
 * - verdict: the feature does not exist or does not apply at this version (before its alpha, gate
 *   removed, withdrawn) — a real answer, e.g. a matrix cell before the feature existed;
 * - environment: it could have applied but could not run here (no provider, an image missing, a
 *   host that lacks what the check needs, a cluster that cannot be reconfigured, --fail-fast).
 * A run whose checks were all environment skips tested nothing, and is not a success.
 */
export type SkipKind = 'verdict' | 'environment';

export type Component = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kubelet' | 'kube-proxy';

/** The stage of a feature at a Kubernetes version, from kindlab's gate-lifecycle table (src/plan/gates.ts). */
export type FeatureStage = 'alpha' | 'beta' | 'ga' | 'deprecated';

/**
 * What the machine the nodes run on must offer. Checked against the docker host (`docker info`)
 * before a kind cluster is made, and against each node's `status.nodeInfo` on an existing
 * cluster; a need that cannot be checked is reported as unknown, never assumed.
 */
export interface HostRequirements {
  /** Minimum Linux kernel, e.g. '6.3'. */
  kernel?: string;
  /** The cgroup version the nodes must run on. */
  cgroup?: '1' | '2';
  /** Accepted CRI runtimes with their minimum version, e.g. { containerd: '2.0', 'cri-o': '1.25' }. */
  runtime?: Record<string, string>;
  /** What the host needs this for, added to the skip reason (e.g. 'idmap mounts for tmpfs volumes'). */
  why?: string;
}

/** Needs that may change with the Kubernetes version (see ScenarioRequirements.perVersion). */
export interface VersionedRequirements {
  /**
   * Feature gates the scenario needs, name → value. A plain value applies to every component
   * (kind applies featureGates everywhere); use `components` to document where it matters.
   * Gates that are locked on (GA) are not passed; gates gone after GA are dropped.
   */
  featureGates?: Record<string, boolean | { value: boolean; components?: Component[] }>;
  /** kube-apiserver --runtime-config entries the scenario needs, e.g. { 'batch/v2alpha1': 'true' }. */
  runtimeConfig?: Record<string, string>;
  /** Extra kube-apiserver flags; values may reference `${KINDLAB_FILES}/<file>`. */
  apiServerFlags?: Record<string, string>;
  /** Extra kube-controller-manager flags. */
  controllerManagerFlags?: Record<string, string>;
  /** Files the API server needs, available under `${KINDLAB_FILES}`. */
  files?: Array<{ name: string; content: string }>;
  /** Worker nodes needed (kind); on an existing cluster, ready nodes that are not control planes. */
  workers?: number;
  /**
   * KubeletConfiguration fields the scenario needs on every node (e.g. { enableSystemLogQuery:
   * true }); rendered as a kubeadm patch for kind clusters, compared with the node's configz on
   * an existing cluster.
   */
  kubelet?: Record<string, unknown>;
  /**
   * Images the scenario's pods run. kindlab loads them into the nodes of clusters it creates
   * (from the local docker daemon) before the scenario starts; on an existing cluster a node
   * that lacks one is a skip with the image's name, not a pull that hangs.
   */
  images?: string[];
  /** What the machine under the nodes must offer (kernel, cgroup version, CRI runtime). */
  host?: HostRequirements;
  /** The API group/version the scenario talks to (e.g. 'admissionregistration.k8s.io/v1beta1'); run() reads it as ctx.stage.apiVersion. */
  apiVersion?: string;
}

/**
 * One entry of `perVersion`: needs for the Kubernetes versions in `versions` and/or the stages in
 * `stage` of the scenario's `feature`. The first entry that matches the target is chosen.
 */
export interface RequirementEntry extends VersionedRequirements {
  /** semver range of Kubernetes versions this entry is for, e.g. '>=1.32'. */
  versions?: string;
  /** Stage(s) of `requires.feature` this entry is for. */
  stage?: FeatureStage | FeatureStage[];
  /** The scenario cannot run here: it is skipped with this reason. */
  skip?: string;
  /** Why these needs, shown by `kindlab plan` (e.g. 'v1beta1, off by default: runtime config'). */
  note?: string;
}

export interface ScenarioRequirements extends VersionedRequirements {
  /** 'api' = kube-apiserver (+ controller-manager) is enough; 'node' = pods must really run. */
  needs?: 'api' | 'node';
  /**
   * An API-level scenario that also has a node part (what it shows on a kubelet, e.g. 'the kubelet
   * restarts the container on a failing gRPC probe'). Where a provider with nodes can run here, the
   * planner gives it nodes; elsewhere it runs its API part, calls ctx.partial, and its pass is partial.
   */
  nodePart?: string;
  /**
   * The API server must reach a server the scenario runs on this machine's loopback (e.g. a test
   * OIDC issuer); the value says why. Only a control plane running on this machine can: the
   * planner never puts such a scenario on a kind cluster, and says so when nothing else can run it.
   */
  apiServerReachesHostLoopback?: string;
  /**
   * The feature under test, named by its gate. Its stage at the target version comes from the
   * gate-lifecycle table: in alpha, beta (and deprecated) the gate is set to true; at GA nothing
   * is set (locked on, or the gate is already gone); where the gate does not exist (not yet, or
   * removed without graduating) the scenario is skipped with the reason. `components` documents
   * which components read the gate.
   */
  feature?: string | { gate: string; components?: Component[] };
  /**
   * Needs that follow the version. The first entry whose `versions` and `stage` both match the
   * target is chosen and added to the needs above (maps merged with the entry winning, lists
   * joined; `host` and `apiVersion` replaced). No matching entry: the needs above alone.
   *
   *   feature: 'ValidatingAdmissionPolicy',
   *   perVersion: [
   *     { stage: 'alpha', runtimeConfig: { 'admissionregistration.k8s.io/v1alpha1': 'true' }, apiVersion: 'admissionregistration.k8s.io/v1alpha1' },
   *     { stage: 'beta', runtimeConfig: { 'admissionregistration.k8s.io/v1beta1': 'true' }, apiVersion: 'admissionregistration.k8s.io/v1beta1' },
   *     { stage: 'ga', apiVersion: 'admissionregistration.k8s.io/v1' },
   *   ]
   */
  perVersion?: RequirementEntry[];
}

/** Which needs the planner chose for the target version, and why (ctx.stage, `kindlab plan`). */
export interface ScenarioStage {
  /** The Kubernetes version the needs were chosen for, e.g. '1.28.0'. */
  version: string;
  /** The feature's gate and its stage there (requires.feature). */
  feature?: { gate: string; stage: FeatureStage; defaultOn: boolean; locked: boolean; removed?: number };
  /** Shortcut for feature.stage. */
  stage?: FeatureStage;
  /** The API group/version to talk to (the chosen entry's, else the scenario's own). */
  apiVersion?: string;
  /** The perVersion entry chosen (its index), when one matched. */
  entry?: number;
  /** One line: why these needs at this version. */
  why: string;
}

export interface ScenarioMeta {
  /** Kebab-case id, unique in the catalogue. */
  id: string;
  title: string;
  /** KEP number, if the feature has one. */
  kep?: number;
  tags?: string[];
  /** semver range of Kubernetes versions the scenario applies to, e.g. '>=1.24'. */
  versions?: string;
  requires?: ScenarioRequirements;
  /** Default per-scenario timeout in seconds. */
  timeoutSeconds?: number;
  /** One-paragraph description of what the scenario proves and why. */
  description?: string;
  counterProof?: {
    /**
     * Why switching the feature's gate off cannot show this scenario failing (e.g. the gate governs
     * a controller while the scenario checks an API served by runtime config): --counter-proof
     * reports it instead of running a variant that would pass.
     */
    notPossible?: string;
    /**
     * Component flags and kubelet settings that exist only for the feature (e.g. kube-apiserver's
     * `authentication-config`, the kubelet's `enableSystemLogQuery`): where the feature is off or
     * absent the components refuse them and do not start, so the counter-proof runs without them.
     */
    featureFlags?: readonly string[];
  };
}

export interface WaitOptions {
  timeoutSeconds?: number;
  intervalMs?: number;
  /** What is being waited for, shown in the timeout message. */
  description?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface KubectlResult extends ExecResult {}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ClusterInfo {
  /** e.g. 'v1.37.2' */
  gitVersion: string;
  /** e.g. '1.37.2' (semver, no v, no build metadata) */
  version: string;
  /** The provider's name, for reports (src/cluster/providers.ts). Ask the facts below, never the name. */
  provider: string;
  /** kube-apiserver shares this machine's loopback (it reaches a server a scenario runs on 127.0.0.1); undefined: not known. */
  apiServerOnHost?: boolean;
  /** kindlab made the cluster and shaped it for the plan (false: an existing cluster, which cannot be reconfigured). */
  reconfigurable?: boolean;
  /** Feature gates known enabled/disabled, when the cluster reports them. */
  featureGates: Record<string, boolean>;
  /** Whether real nodes can run pods. */
  hasNodes: boolean;
  /** Image names the ready nodes report (node.status.images), when the nodes could be listed. */
  nodeImages?: string[];
  /** Images kindlab loaded into the nodes of a cluster it created (nodes report them with a delay). */
  loadedImages?: string[];
  /** The nodes as the planner checks them (readiness, role, nodeInfo, configz), when they were read. */
  nodes?: NodeFacts[];
  /** Group/versions the API server serves (discovery), when read: 'v1', 'admissionregistration.k8s.io/v1beta1'. */
  servedApis?: string[];
}

export interface ScenarioContext {
  /** The scenario's own namespace (created and labelled by the runner). */
  namespace: string;
  /**
   * Set only in a counter-proof run: the feature gate the scenario must take as on although the
   * cluster has it off (gate() of scenarios/_support answers on for it). Normal runs never set it.
   */
  expectFeatureOn?: string;
  cluster: ClusterInfo;
  /**
   * The needs the planner chose for this cluster's version: the feature's stage and the API
   * version to talk to (e.g. ctx.stage?.apiVersion ?? 'admissionregistration.k8s.io/v1').
   * Undefined only when the runner did not resolve it.
   */
  stage?: ScenarioStage;
  kubeconfigPath: string;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  /** Generic client for any object. */
  objects: k8s.KubernetesObjectApi;
  signal: AbortSignal;
  /** Server-side apply (or create) an object; namespaced objects default to ctx.namespace; tracked for cleanup. */
  apply<T extends k8s.KubernetesObject>(obj: T): Promise<T>;
  /** Create an object (fails if it exists); tracked for cleanup. Rejections surface the API error. */
  create<T extends k8s.KubernetesObject>(obj: T): Promise<T>;
  get<T extends k8s.KubernetesObject>(ref: ObjectRef): Promise<T>;
  delete(ref: ObjectRef): Promise<void>;
  /** Poll until predicate(obj) is true; on timeout the error shows the last state seen. */
  waitFor<T extends k8s.KubernetesObject>(ref: ObjectRef, predicate: (obj: T) => boolean, opts?: WaitOptions): Promise<T>;
  /** Poll an arbitrary async check until it returns a truthy value. */
  eventually<T>(check: () => Promise<T | undefined | false>, opts?: WaitOptions): Promise<T>;
  exec(pod: string, container: string | undefined, command: string[]): Promise<ExecResult>;
  logs(pod: string, container?: string, opts?: { previous?: boolean }): Promise<string>;
  /** Prometheus text from the kubelet of a node via the API server's node proxy. */
  kubeletMetrics(node: string, path?: '/metrics' | '/metrics/cadvisor' | '/metrics/resource'): Promise<string>;
  /** Raw GET through the API server (path like /metrics or /apis/...). */
  raw(path: string): Promise<string>;
  /** Run kubectl with the cluster's kubeconfig. Does not throw on non-zero exit. */
  kubectl(args: string[], opts?: { input?: string; env?: Record<string, string> }): Promise<KubectlResult>;
  /** A named step: setup, or a check that does not depend on the feature under test. */
  step<T>(name: string, fn: () => Promise<T> | T): Promise<T>;
  /**
   * A named step that asserts the feature under test. A counter-proof (the scenario run where its
   * feature is off, told it is on) must fail in one of these; a failure in a plain step proves
   * nothing about the feature. Where "the API is not served" is the failure, that counts only
   * because the scenario put the call here.
   */
  featureStep<T>(name: string, fn: () => Promise<T> | T): Promise<T>;
  cleanup(fn: () => Promise<void> | void): void;
  log(message: string): void;
  /**
   * Skip the rest of the scenario with a reason. `environment` (the default): this machine or
   * cluster cannot run the check (a host requirement is missing) — a run of nothing but such skips
   * exits 3. `verdict`: the feature does not apply here (it is off at this version), a real result.
   */
  skip(reason: string, kind?: SkipKind): never;
  /**
   * Part of the check cannot run here and is left out (e.g. the node part on a cluster without a
   * kubelet): the scenario goes on, and a pass is reported as partial with `what`, in every report.
   */
  partial(what: string): void;
  assert: Assertions;
}

export interface Assertions {
  ok(value: unknown, message: string): asserts value;
  equal<T>(actual: T, expected: T, message?: string): void;
  /** Deep partial match: every field in `expected` must be present in `actual`; arrays match order-free. */
  matches(actual: unknown, expected: unknown, message?: string): void;
  /** The promise must reject; returns the error for further checks. Optional regex on the message. */
  rejects(promise: Promise<unknown>, pattern?: RegExp, message?: string): Promise<Error>;
  includes(haystack: string, needle: string | RegExp, message?: string): void;
}

/**
 * Objects that must survive an upgrade (kindlab test --upgrade-to): `before` creates them on the
 * old version, `after` checks them on the new one, in the same namespace (kept between the two;
 * deleted after the check). Namespaced objects only: cluster-scoped ones are not carried over.
 */
export interface AcrossUpgrade {
  /** One line: what is kept and what is expected of it after the upgrade. */
  what: string;
  before(ctx: ScenarioContext): Promise<void>;
  after(ctx: ScenarioContext): Promise<void>;
}

export interface Scenario extends ScenarioMeta {
  run(ctx: ScenarioContext): Promise<void>;
  /** Set by scenarios whose objects are checked across an upgrade (see AcrossUpgrade). */
  acrossUpgrade?: AcrossUpgrade;
  /**
   * Set by kindlab on the counter-proof variant of a scenario (src/plan/counter-proof.ts), never by
   * a scenario file: the scenario it counter-proves, and the gate switched off for it.
   */
  counterProofOf?: {
    id: string;
    gate: string;
    /** The feature does not exist yet at the target (an older release): nothing to switch off, the scenario still expects it. */
    absent?: string;
    /** Gates that depend on `gate` and are switched off with it (the components refuse a dependent on without it). */
    alsoOff?: string[];
  };
}

export function defineScenario(s: Scenario): Scenario {
  return s;
}
