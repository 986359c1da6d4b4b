// Renders the kind cluster config for a cluster profile, and merges the user's own kind config
// into it. Pure: no files, no processes. Conflicts are errors naming both sides, never a silent
// override.
import YAML from 'yaml';
import { UsageError } from '../errors.js';
import { substituteFilesDir, type ClusterProfile } from '../cluster/profile.js';
import { kubeadmApiVersion } from './version.js';

/** Where profile files appear inside the control-plane node and the API server pod. */
export const NODE_FILES_DIR = '/etc/kindlab/files';

export interface RenderKindConfigOptions {
  profile: ClusterProfile;
  image?: string;
  kubernetesVersion?: string;
  kindVersion?: string;
  /** Host folder holding the profile's files (mounted into the control-plane node). */
  filesHostDir?: string;
  /** The user's own kind config, parsed (from --config). */
  userConfig?: unknown;
  /** For error messages. */
  userConfigPath?: string;
  /** The --name given to kindlab, checked against the user config's name. */
  clusterName?: string;
  /** KubeletConfiguration fields the host needs (see cluster/host-compat.ts). */
  hostKubelet?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

interface KindNode extends Obj {
  role: 'control-plane' | 'worker';
  image?: string;
  extraMounts?: Obj[];
  kubeadmConfigPatches?: string[];
}

export function renderKindConfig(opts: RenderKindConfigOptions): { config: Obj; yaml: string } {
  const { profile } = opts;
  const user = validateUserConfig(opts.userConfig, opts.userConfigPath);
  const where = opts.userConfigPath ?? 'the --config file';
  const config: Obj = { ...user, kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4' };

  if (opts.clusterName && typeof user.name === 'string' && user.name !== opts.clusterName) {
    throw conflict(`cluster name: --name says "${opts.clusterName}", ${where} says "${user.name}"`);
  }
  if (opts.clusterName) config.name = opts.clusterName;

  config.featureGates = mergeMap('feature gate', profile.featureGates, user.featureGates, where, 'featureGates');
  config.runtimeConfig = mergeMap('runtime config', profile.runtimeConfig, user.runtimeConfig, where, 'runtimeConfig');
  if (Object.keys(config.featureGates as Obj).length === 0) delete config.featureGates;
  if (Object.keys(config.runtimeConfig as Obj).length === 0) delete config.runtimeConfig;

  const nodes = mergeNodes(profile, opts.image, user.nodes, where);
  const hasFiles = profile.files.length > 0;
  if (hasFiles && !opts.filesHostDir) throw new Error('renderKindConfig: profile has files but no filesHostDir');
  // The mount is also kindlab's ownership mark: `docker inspect` of a node shows a source path
  // inside kindlab's state folder, which a cluster kindlab did not create cannot have.
  const controlPlane = nodes.find((n) => n.role === 'control-plane');
  if (opts.filesHostDir && controlPlane) {
    controlPlane.extraMounts = [
      ...(controlPlane.extraMounts ?? []),
      { hostPath: opts.filesHostDir, containerPath: NODE_FILES_DIR, readOnly: true },
    ];
  }
  config.nodes = nodes;

  const apiArgs = Object.fromEntries(
    Object.entries(profile.apiServerExtraArgs).map(([k, v]) => [k, substituteFilesDir(v, NODE_FILES_DIR)]),
  );
  checkPatchConflicts(user, nodes, apiArgs, profile.controllerManagerExtraArgs, where);
  const patch = kubeadmPatch(apiArgs, profile.controllerManagerExtraArgs, hasFiles, kubeadmApiVersion(opts.kubernetesVersion, opts.kindVersion));
  const kubelet = mergeKubelet(profile.kubelet ?? {}, opts.hostKubelet ?? {});
  checkKubeletConflicts(user, nodes, kubelet, where);
  const kubeletDoc = Object.keys(kubelet).length
    ? YAML.stringify({ kind: 'KubeletConfiguration', apiVersion: 'kubelet.config.k8s.io/v1beta1', ...sortAny(kubelet) }, { lineWidth: 0 })
    : undefined;
  const ours = [patch, kubeletDoc].filter((p): p is string => Boolean(p));
  if (ours.length) {
    const existing = Array.isArray(user.kubeadmConfigPatches) ? (user.kubeadmConfigPatches as string[]) : [];
    config.kubeadmConfigPatches = [...existing, ...ours];
  }

  return { config, yaml: YAML.stringify(config, { lineWidth: 0 }) };
}

function validateUserConfig(raw: unknown, path: string | undefined): Obj {
  if (raw === undefined || raw === null) return {};
  const where = path ?? 'the --config file';
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError(`${where} is not a kind config: expected a YAML mapping`, {
      hint: 'start from `kind: Cluster` / `apiVersion: kind.x-k8s.io/v1alpha4`',
    });
  }
  const u = raw as Obj;
  if (u.kind !== 'Cluster' || u.apiVersion !== 'kind.x-k8s.io/v1alpha4') {
    throw new UsageError(`${where} is not a kind cluster config: kind is ${JSON.stringify(u.kind)}, apiVersion is ${JSON.stringify(u.apiVersion)}`, {
      hint: 'a kind config starts with `kind: Cluster` and `apiVersion: kind.x-k8s.io/v1alpha4`',
    });
  }
  for (const key of ['featureGates', 'runtimeConfig'] as const) {
    const v = u[key];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) {
      throw new UsageError(`${where}: ${key} must be a mapping`);
    }
  }
  if (u.nodes !== undefined && !Array.isArray(u.nodes)) throw new UsageError(`${where}: nodes must be a list`);
  return u;
}

function conflict(message: string): UsageError {
  return new UsageError(`conflicting settings: ${message}`, {
    hint: 'kindlab never overrides your kind config silently: remove the setting from one side',
  });
}

function mergeMap<V>(label: string, ours: Record<string, V>, theirs: unknown, where: string, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...((theirs as Obj | undefined) ?? {}) };
  for (const [k, v] of Object.entries(ours)) {
    if (k in out && String(out[k]) !== String(v)) {
      throw conflict(`${label} ${k}: kindlab wants ${String(v)} (from --flags or scenario requirements), ${where} (${key}) sets ${String(out[k])}`);
    }
    out[k] = v;
  }
  return out;
}

function mergeNodes(profile: ClusterProfile, image: string | undefined, userNodes: unknown, where: string): KindNode[] {
  if (!Array.isArray(userNodes) || userNodes.length === 0) {
    const nodes: KindNode[] = [{ role: 'control-plane' }];
    for (let i = 0; i < profile.workers; i++) nodes.push({ role: 'worker' });
    return nodes.map((n) => (image ? { ...n, image } : n));
  }
  const nodes = userNodes.map((n, i) => {
    if (typeof n !== 'object' || n === null) throw new UsageError(`${where}: nodes[${i}] must be a mapping`);
    const node = { ...(n as Obj) } as KindNode;
    if (node.role !== 'control-plane' && node.role !== 'worker') {
      throw new UsageError(`${where}: nodes[${i}].role must be control-plane or worker, got ${JSON.stringify(node.role)}`);
    }
    if (image) {
      if (node.image && node.image !== image) {
        throw conflict(`nodes[${i}].image: kindlab wants ${image}, ${where} sets ${node.image}`);
      }
      node.image = image;
    }
    return node;
  });
  const workers = nodes.filter((n) => n.role === 'worker').length;
  if (profile.workers > 0 && workers !== profile.workers) {
    throw conflict(`worker count: kindlab wants ${profile.workers} (--workers or scenario requirements), ${where} lists ${workers}`);
  }
  if (!nodes.some((n) => n.role === 'control-plane')) throw new UsageError(`${where}: nodes has no control-plane node`);
  return nodes;
}

/** Extra args kindlab wants must not contradict extraArgs in the user's own kubeadm patches. */
function checkPatchConflicts(user: Obj, nodes: KindNode[], apiArgs: Record<string, string>, kcmArgs: Record<string, string>, where: string): void {
  for (const o of userPatchDocs(user, nodes, 'ClusterConfiguration')) {
    compareArgs('kube-apiserver', apiArgs, extraArgsOf(o.apiServer), where);
    compareArgs('kube-controller-manager', kcmArgs, extraArgsOf(o.controllerManager), where);
  }
}

/** The documents of a kind (ClusterConfiguration, KubeletConfiguration) in the user's kubeadm patches. */
function userPatchDocs(user: Obj, nodes: KindNode[], kind: string): Obj[] {
  const patches: unknown[] = [
    ...(Array.isArray(user.kubeadmConfigPatches) ? user.kubeadmConfigPatches : []),
    ...nodes.flatMap((n) => n.kubeadmConfigPatches ?? []),
  ];
  return patches
    .filter((p): p is string => typeof p === 'string')
    .flatMap((p) => YAML.parseAllDocuments(p).map((d) => d.toJS() as Obj | null))
    .filter((o): o is Obj => Boolean(o) && o!.kind === kind);
}

function extraArgsOf(section: unknown): Record<string, string> {
  const ea = (section as Obj | undefined)?.extraArgs;
  if (Array.isArray(ea)) return Object.fromEntries(ea.map((e) => [String((e as Obj).name), String((e as Obj).value)]));
  if (ea && typeof ea === 'object') return Object.fromEntries(Object.entries(ea as Obj).map(([k, v]) => [k, String(v)]));
  return {};
}

function compareArgs(component: string, ours: Record<string, string>, theirs: Record<string, string>, where: string): void {
  for (const [k, v] of Object.entries(ours)) {
    if (k in theirs && theirs[k] !== v) {
      throw conflict(`${component} --${k}: kindlab wants "${v}", a kubeadmConfigPatch in ${where} sets "${theirs[k]}"`);
    }
  }
}

function kubeadmPatch(
  apiArgs: Record<string, string>,
  kcmArgs: Record<string, string>,
  mountFiles: boolean,
  apiVersion: 'v1beta3' | 'v1beta4',
): string | undefined {
  if (Object.keys(apiArgs).length === 0 && Object.keys(kcmArgs).length === 0 && !mountFiles) return undefined;
  const args = (m: Record<string, string>): unknown =>
    apiVersion === 'v1beta4' ? Object.keys(m).sort().map((name) => ({ name, value: m[name] })) : sortObj(m);
  const doc: Obj = { kind: 'ClusterConfiguration', apiVersion: `kubeadm.k8s.io/${apiVersion}` };
  const apiServer: Obj = {};
  if (Object.keys(apiArgs).length) apiServer.extraArgs = args(apiArgs);
  if (mountFiles) {
    apiServer.extraVolumes = [
      { name: 'kindlab-files', hostPath: NODE_FILES_DIR, mountPath: NODE_FILES_DIR, readOnly: true, pathType: 'Directory' },
    ];
  }
  if (Object.keys(apiServer).length) doc.apiServer = apiServer;
  if (Object.keys(kcmArgs).length) doc.controllerManager = { extraArgs: args(kcmArgs) };
  return YAML.stringify(doc, { lineWidth: 0 });
}

function sortObj(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k] as string]));
}

function mergeKubelet(scenario: Record<string, unknown>, host: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(host)) {
    if (k in scenario && JSON.stringify(scenario[k]) !== JSON.stringify(v)) {
      throw conflict(`kubelet ${k}: the scenarios want ${JSON.stringify(scenario[k])}, this host needs ${JSON.stringify(v)}`);
    }
  }
  return { ...scenario, ...host };
}

/** Kubelet fields kindlab sets must not contradict a KubeletConfiguration patch of the user's. */
function checkKubeletConflicts(user: Obj, nodes: KindNode[], ours: Record<string, unknown>, where: string): void {
  for (const o of userPatchDocs(user, nodes, 'KubeletConfiguration')) {
    for (const [k, v] of Object.entries(ours)) {
      if (k in o && JSON.stringify(o[k]) !== JSON.stringify(v)) {
        throw conflict(`kubelet ${k}: kindlab wants ${JSON.stringify(v)}, a KubeletConfiguration patch in ${where} sets ${JSON.stringify(o[k])}`);
      }
    }
  }
}

function sortAny(m: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
}
