// Pure: the command line of each control-plane process of a local cluster, from the cluster
// profile, the ports and the paths. Profile extra args replace a default flag of the same name
// (as kubeadm's extraArgs do) and otherwise come after the defaults.
import { join } from 'node:path';
import { featureGatesFlag, runtimeConfigFlag, substituteFilesDir, type ClusterProfile } from '../profile.js';

export type LocalComponent = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';

export interface LocalPorts {
  etcdClient: number;
  etcdPeer: number;
  apiServer: number;
  controllerManager: number;
  scheduler: number;
}

export interface LocalLayout {
  /** The cluster's folder in kindlab's state. */
  clusterDir: string;
  binDir: string;
  pkiDir: string;
  etcdDataDir: string;
  /** Where profile.files are written; replaces ${KINDLAB_FILES} in flag values. */
  filesDir: string;
  logDir: string;
  adminKubeconfig: string;
  controllerManagerKubeconfig: string;
  schedulerKubeconfig: string;
}

export function localLayout(clusterDir: string, binDir: string): LocalLayout {
  return {
    clusterDir,
    binDir,
    pkiDir: join(clusterDir, 'pki'),
    etcdDataDir: join(clusterDir, 'data', 'etcd'),
    filesDir: join(clusterDir, 'files'),
    logDir: join(clusterDir, 'logs'),
    adminKubeconfig: join(clusterDir, 'kubeconfig'),
    controllerManagerKubeconfig: join(clusterDir, 'kube-controller-manager.kubeconfig'),
    schedulerKubeconfig: join(clusterDir, 'kube-scheduler.kubeconfig'),
  };
}

/** File names under pkiDir. */
export const PKI = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  apiServerCert: 'apiserver.crt',
  apiServerKey: 'apiserver.key',
  saKey: 'sa.key',
  saPub: 'sa.pub',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  controllerManagerCert: 'kube-controller-manager.crt',
  controllerManagerKey: 'kube-controller-manager.key',
  schedulerCert: 'kube-scheduler.crt',
  schedulerKey: 'kube-scheduler.key',
  frontProxyCaCert: 'front-proxy-ca.crt',
  frontProxyCaKey: 'front-proxy-ca.key',
  frontProxyClientCert: 'front-proxy-client.crt',
  frontProxyClientKey: 'front-proxy-client.key',
} as const;

export const SERVICE_CLUSTER_IP_RANGE = '10.96.0.0/12';
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface ComponentCommand {
  component: LocalComponent;
  file: string;
  args: string[];
}

export interface RenderInput {
  name: string;
  profile: ClusterProfile;
  ports: LocalPorts;
  layout: LocalLayout;
  withScheduler?: boolean;
}

type Flags = [string, string][];

/** `--k=v` list; extras replace same-named defaults in place, new ones are appended in order. */
export function mergeFlags(defaults: Flags, extras: Record<string, string>, substitute: (v: string) => string = (v) => v): string[] {
  const out: Flags = defaults.map(([k, v]) => [k, v]);
  for (const [rawKey, value] of Object.entries(extras)) {
    const key = rawKey.replace(/^-+/, '');
    const v = substitute(value);
    const at = out.findIndex(([k]) => k === key);
    if (at >= 0) out[at] = [key, v];
    else out.push([key, v]);
  }
  return out.map(([k, v]) => `--${k}=${v}`);
}

export function etcdUrl(ports: LocalPorts): string {
  return `http://127.0.0.1:${ports.etcdClient}`;
}

export function apiServerUrl(ports: LocalPorts): string {
  return `https://127.0.0.1:${ports.apiServer}`;
}

function gates(profile: ClusterProfile): Flags {
  return Object.keys(profile.featureGates).length ? [['feature-gates', featureGatesFlag(profile.featureGates)]] : [];
}

export function renderComponentCommands(input: RenderInput): ComponentCommand[] {
  const r = rendering(input);
  return [etcdCommand(input, r), apiServerCommand(input, r), controllerManagerCommand(input, r), ...(input.withScheduler ? [schedulerCommand(input, r)] : [])];
}

interface Rendering {
  pki: (f: string) => string;
  sub: (v: string) => string;
  bin: (c: LocalComponent) => string;
}
function rendering(input: RenderInput): Rendering {
  const { layout } = input;
  return { pki: (f) => join(layout.pkiDir, f), sub: (v) => substituteFilesDir(v, layout.filesDir), bin: (c) => join(layout.binDir, c) };
}

function etcdCommand(input: RenderInput, { bin }: Rendering): ComponentCommand {
  const { ports, layout } = input;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return {
    component: 'etcd',
    file: bin('etcd'),
    args: mergeFlags(
      [
        ['name', 'kindlab'],
        ['data-dir', layout.etcdDataDir],
        ['listen-client-urls', etcdUrl(ports)],
        ['advertise-client-urls', etcdUrl(ports)],
        ['listen-peer-urls', peer],
        ['initial-advertise-peer-urls', peer],
        ['initial-cluster', `kindlab=${peer}`],
        ['initial-cluster-state', 'new'],
        ['initial-cluster-token', `kindlab-${input.name}`],
        // A throw-away test cluster: durability is not worth the fsync latency.
        ['unsafe-no-fsync', 'true'],
        ['log-level', 'warn'],
      ],
      {},
    ),
  };
}

function apiServerCommand(input: RenderInput, { pki, sub, bin }: Rendering): ComponentCommand {
  const { profile, ports } = input;
  const apiDefaults: Flags = [
    ['advertise-address', '127.0.0.1'],
    ['bind-address', '127.0.0.1'],
    ['secure-port', String(ports.apiServer)],
    ['etcd-servers', etcdUrl(ports)],
    ['allow-privileged', 'true'],
    ['authorization-mode', 'Node,RBAC'],
    ['client-ca-file', pki(PKI.caCert)],
    ['tls-cert-file', pki(PKI.apiServerCert)],
    ['tls-private-key-file', pki(PKI.apiServerKey)],
    ['service-account-issuer', SERVICE_ACCOUNT_ISSUER],
    ['service-account-key-file', pki(PKI.saPub)],
    ['service-account-signing-key-file', pki(PKI.saKey)],
    ['service-cluster-ip-range', SERVICE_CLUSTER_IP_RANGE],
    // Front proxy: lets aggregated API servers (and the controllers' delegated authentication) trust the API server.
    ['requestheader-client-ca-file', pki(PKI.frontProxyCaCert)],
    ['requestheader-allowed-names', 'front-proxy-client'],
    ['requestheader-username-headers', 'X-Remote-User'],
    ['requestheader-group-headers', 'X-Remote-Group'],
    ['requestheader-extra-headers-prefix', 'X-Remote-Extra-'],
    ['proxy-client-cert-file', pki(PKI.frontProxyClientCert)],
    ['proxy-client-key-file', pki(PKI.frontProxyClientKey)],
    // No kubelets: nothing would remove a loopback address from the kubernetes Endpoints.
    ['endpoint-reconciler-type', 'none'],
    ...gates(profile),
  ];
  if (Object.keys(profile.runtimeConfig).length) apiDefaults.push(['runtime-config', runtimeConfigFlag(profile.runtimeConfig)]);
  return {
    component: 'kube-apiserver',
    file: bin('kube-apiserver'),
    args: mergeFlags(apiDefaults, profile.apiServerExtraArgs, sub),
  };
}

/** What the controller manager and the scheduler share: their kubeconfig for every API call, loopback serving, one instance. */
function controllerFlags(kubeconfig: string, port: number): Flags {
  return [
    ['kubeconfig', kubeconfig],
    ['authentication-kubeconfig', kubeconfig],
    ['authorization-kubeconfig', kubeconfig],
    ['bind-address', '127.0.0.1'],
    ['secure-port', String(port)],
    ['leader-elect', 'false'],
  ];
}

function controllerManagerCommand(input: RenderInput, { pki, sub, bin }: Rendering): ComponentCommand {
  const { profile, ports, layout } = input;
  return {
    component: 'kube-controller-manager',
    file: bin('kube-controller-manager'),
    args: mergeFlags(
      [
        ...controllerFlags(layout.controllerManagerKubeconfig, ports.controllerManager),
        ['cluster-name', input.name],
        ['controllers', '*'],
        ['use-service-account-credentials', 'true'],
        ['service-account-private-key-file', pki(PKI.saKey)],
        ['root-ca-file', pki(PKI.caCert)],
        ['cluster-signing-cert-file', pki(PKI.caCert)],
        ['cluster-signing-key-file', pki(PKI.caKey)],
        ['service-cluster-ip-range', SERVICE_CLUSTER_IP_RANGE],
        ...gates(profile),
      ],
      profile.controllerManagerExtraArgs,
      sub,
    ),
  };
}

function schedulerCommand(input: RenderInput, { bin }: Rendering): ComponentCommand {
  const { profile, ports, layout } = input;
  return {
    component: 'kube-scheduler',
    file: bin('kube-scheduler'),
    args: mergeFlags(
      [
        ...controllerFlags(layout.schedulerKubeconfig, ports.scheduler),
        ...gates(profile),
      ],
      {},
    ),
  };
}

/** A kubeconfig with embedded credentials (YAML is a superset of JSON; kubectl reads both). */
export function renderKubeconfig(o: { name: string; server: string; caPem: string; certPem: string; keyPem: string; user: string }): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const ctx = `kindlab-${o.name}`;
  const cfg = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: ctx, cluster: { server: o.server, 'certificate-authority-data': b64(o.caPem) } }],
    users: [{ name: o.user, user: { 'client-certificate-data': b64(o.certPem), 'client-key-data': b64(o.keyPem) } }],
    contexts: [{ name: ctx, context: { cluster: ctx, user: o.user } }],
    'current-context': ctx,
    preferences: {},
  };
  return JSON.stringify(cfg, null, 2) + '\n';
}
