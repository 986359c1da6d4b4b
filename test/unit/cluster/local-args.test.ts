import { describe, expect, it } from 'vitest';
import { keyLogLine } from '../../../src/cluster/local/provider.js';
import { localLayout, mergeFlags, renderComponentCommands, renderKubeconfig, type LocalPorts } from '../../../src/cluster/local/args.js';
import { leafExtensions, opensslConfig } from '../../../src/util/openssl-config.js';
import { emptyProfile } from '../../../src/cluster/profile.js';

const ports: LocalPorts = { etcdClient: 2379, etcdPeer: 2380, apiServer: 6443, controllerManager: 10257, scheduler: 10259 };
const layout = localLayout('/state/clusters/c1', '/lab/bin');

function render(mut: (p: ReturnType<typeof emptyProfile>) => void = () => {}, withScheduler = false) {
  const profile = emptyProfile();
  mut(profile);
  const cmds = renderComponentCommands({ name: 'c1', profile, ports, layout, withScheduler });
  const by = (c: string) => cmds.find((x) => x.component === c);
  return { cmds, by };
}

function flag(args: string[] | undefined, name: string): string | undefined {
  return args?.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

describe('renderComponentCommands', () => {
  it('starts etcd, the API server and the controller-manager from the bin folder', () => {
    const { cmds } = render();
    expect(cmds.map((c) => c.component)).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager']);
    expect(cmds.map((c) => c.file)).toEqual(['/lab/bin/etcd', '/lab/bin/kube-apiserver', '/lab/bin/kube-controller-manager']);
  });
  it('adds the scheduler on request', () => {
    const s = render(() => {}, true).by('kube-scheduler');
    expect(s?.file).toBe('/lab/bin/kube-scheduler');
    expect(flag(s?.args, 'secure-port')).toBe('10259');
    expect(flag(s?.args, 'kubeconfig')).toBe('/state/clusters/c1/kube-scheduler.kubeconfig');
  });
  it('wires etcd on loopback with its data in the cluster folder', () => {
    const e = render().by('etcd')!.args;
    expect(flag(e, 'data-dir')).toBe('/state/clusters/c1/data/etcd');
    expect(flag(e, 'listen-client-urls')).toBe('http://127.0.0.1:2379');
    expect(flag(e, 'initial-cluster')).toBe('kindlab=http://127.0.0.1:2380');
  });
  it('gives the API server loopback serving, its PKI and the service-account settings', () => {
    const a = render().by('kube-apiserver')!.args;
    expect(flag(a, 'etcd-servers')).toBe('http://127.0.0.1:2379');
    expect(flag(a, 'secure-port')).toBe('6443');
    expect(flag(a, 'bind-address')).toBe('127.0.0.1');
    expect(flag(a, 'advertise-address')).toBe('127.0.0.1');
    expect(flag(a, 'service-account-issuer')).toBe('https://kubernetes.default.svc.cluster.local');
    expect(flag(a, 'service-account-key-file')).toBe('/state/clusters/c1/pki/sa.pub');
    expect(flag(a, 'service-account-signing-key-file')).toBe('/state/clusters/c1/pki/sa.key');
    expect(flag(a, 'client-ca-file')).toBe('/state/clusters/c1/pki/ca.crt');
    expect(flag(a, 'tls-cert-file')).toBe('/state/clusters/c1/pki/apiserver.crt');
    expect(flag(a, 'authorization-mode')).toBe('Node,RBAC');
    expect(flag(a, 'service-cluster-ip-range')).toBe('10.96.0.0/12');
    expect(flag(a, 'allow-privileged')).toBe('true');
    expect(flag(a, 'requestheader-client-ca-file')).toBe('/state/clusters/c1/pki/front-proxy-ca.crt');
    expect(flag(a, 'proxy-client-cert-file')).toBe('/state/clusters/c1/pki/front-proxy-client.crt');
    expect(flag(a, 'feature-gates')).toBeUndefined();
    expect(flag(a, 'runtime-config')).toBeUndefined();
  });
  it('gives the controller-manager the service-account key, root CA and its own kubeconfig', () => {
    const k = render().by('kube-controller-manager')!.args;
    expect(flag(k, 'kubeconfig')).toBe('/state/clusters/c1/kube-controller-manager.kubeconfig');
    expect(flag(k, 'service-account-private-key-file')).toBe('/state/clusters/c1/pki/sa.key');
    expect(flag(k, 'root-ca-file')).toBe('/state/clusters/c1/pki/ca.crt');
    expect(flag(k, 'use-service-account-credentials')).toBe('true');
    expect(flag(k, 'leader-elect')).toBe('false');
    expect(flag(k, 'controllers')).toBe('*');
  });
  it('applies feature gates to every component and runtime config to the API server only', () => {
    const { cmds, by } = render((p) => {
      p.featureGates = { Zeta: false, Alpha: true };
      p.runtimeConfig = { 'batch/v2alpha1': 'true' };
    }, true);
    for (const c of cmds.filter((c) => c.component !== 'etcd')) expect(flag(c.args, 'feature-gates')).toBe('Alpha=true,Zeta=false');
    expect(flag(by('etcd')!.args, 'feature-gates')).toBeUndefined();
    expect(flag(by('kube-apiserver')!.args, 'runtime-config')).toBe('batch/v2alpha1=true');
    expect(flag(by('kube-controller-manager')!.args, 'runtime-config')).toBeUndefined();
  });
  it('substitutes ${KINDLAB_FILES} in extra args and lets extras replace defaults in place', () => {
    const { by } = render((p) => {
      p.apiServerExtraArgs = { 'authentication-config': '${KINDLAB_FILES}/authn.yaml', 'authorization-mode': 'RBAC' };
      p.controllerManagerExtraArgs = { '--controllers': '*,-nodeipam', 'concurrent-gc-syncs': '5' };
    });
    const a = by('kube-apiserver')!.args;
    expect(flag(a, 'authentication-config')).toBe('/state/clusters/c1/files/authn.yaml');
    expect(a.filter((x) => x.startsWith('--authorization-mode='))).toEqual(['--authorization-mode=RBAC']);
    const k = by('kube-controller-manager')!.args;
    expect(flag(k, 'controllers')).toBe('*,-nodeipam');
    expect(k[k.length - 1]).toBe('--concurrent-gc-syncs=5');
  });
});

describe('mergeFlags', () => {
  it('keeps default order, replaces in place, appends new', () => {
    expect(mergeFlags([['a', '1'], ['b', '2']], { b: '3', c: '4' })).toEqual(['--a=1', '--b=3', '--c=4']);
  });
});

describe('renderKubeconfig', () => {
  it('embeds the CA and client credentials', () => {
    const cfg = JSON.parse(renderKubeconfig({ name: 'c1', server: 'https://127.0.0.1:6443', caPem: 'CA', certPem: 'CERT', keyPem: 'KEY', user: 'kindlab-admin' }));
    expect(cfg['current-context']).toBe('kindlab-c1');
    expect(cfg.clusters[0].cluster.server).toBe('https://127.0.0.1:6443');
    expect(Buffer.from(cfg.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe('CA');
    expect(Buffer.from(cfg.users[0].user['client-key-data'], 'base64').toString()).toBe('KEY');
  });
});

describe('pki config', () => {
  it('uses only the extensions asked for', () => {
    const cnf = opensslConfig(leafExtensions('server', ['IP:127.0.0.1', 'DNS:localhost']));
    expect(cnf).toContain('x509_extensions = ext');
    expect(cnf).toContain('basicConstraints = critical, CA:FALSE');
    expect(cnf).toContain('extendedKeyUsage = serverAuth');
    expect(cnf).toContain('subjectAltName = IP:127.0.0.1, DNS:localhost');
    expect(opensslConfig(leafExtensions('client'))).not.toContain('subjectAltName');
  });
});

describe('keyLogLine', () => {
  it('picks the error a component printed before exiting', () => {
    const tail = ['# /bin/kube-apiserver --x', 'I1123 07:25:05 serving.go:411] fine', 'Error: unknown flag: --no-such-flag', 'Usage:', '  kube-apiserver [flags]'].join('\n');
    expect(keyLogLine(tail)).toBe('Error: unknown flag: --no-such-flag');
    expect(keyLogLine('only line')).toBe('only line');
  });
});
