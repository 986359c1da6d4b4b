// The pure parts of the scenarios: version and gate logic, JWT handling, the etcd verdict, the
// MutatingAdmissionPolicy API version table, host checks for user namespaces, and the test issuer's
// AuthenticationConfiguration and fixtures.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ScenarioContext } from '../../../src/scenario/types.js';
import { atLeast, clusterScopedName, describeGate, gate, minor } from '../../../scenarios/_support/cluster.js';
import { parseFeatureMetric } from '../../../src/scenario/feature-metric.js';
import { decodeClaims, fingerprint, signJwt, signingKey } from '../../../scenarios/_support/jwt.js';
import { issuerHost, parseBridgeAddress } from '../../../scenarios/_support/issuer-host.js';
import { fixture } from '../../../scenarios/_support/oidc-issuer.js';
import { MATERIAL_FILES } from '../../../scenarios/_support/test-material.js';
import { repoRoot } from '../../helpers/env.js';
import { betaApis } from '../../../scenarios/beta-apis-off-by-default.js';
import { judgeEtcd } from '../../../scenarios/etcd-version.js';
import { mapApiVersion } from '../../../scenarios/mutating-admission-policy.js';
import {
  EXTRA_AUDIENCE,
  ISSUER_PORT,
  RELOADED_AUDIENCE,
  RELOADED_ISSUER,
  apiServerFile,
  authenticationConfiguration,
  authnConfig,
  metricValue,
} from '../../../scenarios/structured-authn-config.js';
import { hostProblem } from '../../../scenarios/user-namespaces.js';

type GateCtx = Pick<ScenarioContext, 'cluster' | 'raw'>;
function ctxFor(version: string, featureGates: Record<string, boolean> = {}, metrics = ''): GateCtx {
  return {
    cluster: { version, gitVersion: `v${version}`, provider: 'local', featureGates, hasNodes: false },
    raw: async () => metrics,
  };
}

describe('cluster helpers', () => {
  it('compares versions', () => {
    const c = ctxFor('1.35.4');
    expect(minor(c)).toBe(35);
    expect(atLeast(c, '1.35')).toBe(true);
    expect(atLeast(c, '1.35.4')).toBe(true);
    expect(atLeast(c, '1.35.5')).toBe(false);
    expect(atLeast(c, '1.36')).toBe(false);
  });

  it('parses kube-apiserver kubernetes_feature_enabled lines', () => {
    const gates = parseFeatureMetric(
      '# HELP kubernetes_feature_enabled x\nkubernetes_feature_enabled{name="A",stage="BETA"} 1\nkubernetes_feature_enabled{name="B",stage=""} 0\nother 1\n',
    );
    expect(gates).toEqual({ A: true, B: false });
    // labels in any order
    expect(parseFeatureMetric('kubernetes_feature_enabled{stage="ALPHA",name="C"} 1\n')).toEqual({ C: true });
  });

  it('takes a gate from the cluster profile first, then /metrics, then kindlab\'s gate table for the version', async () => {
    const metrics = 'kubernetes_feature_enabled{name="SidecarContainers",stage="BETA"} 0\n';
    expect(await gate(ctxFor('1.30.0', { SidecarContainers: true }, metrics), 'SidecarContainers')).toEqual({ enabled: true, source: 'cluster profile' });
    expect(await gate(ctxFor('1.30.0', {}, metrics), 'SidecarContainers')).toEqual({ enabled: false, source: 'kube-apiserver /metrics' });
    // MaxUnavailableStatefulSet: beta on by default in 1.35.0–1.35.3, off again from 1.35.4 (the table's patch rule)
    expect(await gate(ctxFor('1.35.4'), 'MaxUnavailableStatefulSet')).toEqual({ enabled: false, source: 'default for this version' });
    expect(await gate(ctxFor('1.35.3'), 'MaxUnavailableStatefulSet')).toEqual({ enabled: true, source: 'default for this version' });
    // GA then removed: the behaviour stays on
    expect(await gate(ctxFor('1.30.0'), 'JobTrackingWithFinalizers')).toEqual({ enabled: true, source: 'default for this version' });
    await expect(gate(ctxFor('1.30.0'), 'NoSuchGateAnywhere')).rejects.toThrow(/not in kindlab's gate table/);
  });

  it('reads a renamed gate by the name of the cluster\'s release', async () => {
    const named = { namedAtRelease: 'UserNamespacesStatelessPodsSupport' };
    expect(await gate(ctxFor('1.27.16', { UserNamespacesStatelessPodsSupport: true }), 'UserNamespacesSupport')).toEqual({ enabled: true, source: 'cluster profile', ...named });
    // the old code read UserNamespacesSupport, absent at 1.27, and fell back to the table's "off"
    expect(await gate(ctxFor('1.27.16', { UserNamespacesSupport: true, UserNamespacesStatelessPodsSupport: false }), 'UserNamespacesSupport')).toEqual({ enabled: false, source: 'cluster profile', ...named });
    expect(await gate({ ...ctxFor('1.27.16', { UserNamespacesStatelessPodsSupport: false }), expectFeatureOn: 'UserNamespacesStatelessPodsSupport' }, 'UserNamespacesSupport')).toMatchObject({ enabled: true, ...named });
    expect(await gate(ctxFor('1.28.15', { UserNamespacesSupport: true }), 'UserNamespacesSupport')).toEqual({ enabled: true, source: 'cluster profile' });
    expect(describeGate('UserNamespacesSupport', { enabled: true, source: 'cluster profile', ...named })).toBe(
      'feature gate UserNamespacesSupport (UserNamespacesStatelessPodsSupport at this release) is on (cluster profile)',
    );
  });

  it('makes cluster-scoped names unique per namespace and valid', () => {
    expect(clusterScopedName({ namespace: 'kl-abc' }, 'policy')).toBe('kl-abc-policy');
    expect(clusterScopedName({ namespace: 'x'.repeat(70) }, 'p').length).toBeLessThanOrEqual(63);
  });
});

describe('JWT helpers', () => {
  it('signs RS256 tokens whose claims decode back, and fingerprints without the token', () => {
    const key = signingKey(fixture('test-only-jwt-signing-team-a.key'));
    const t = signJwt(key, { sub: 'alice', n: 1 });
    expect(decodeClaims(t)).toEqual({ sub: 'alice', n: 1 });
    expect(fingerprint(t)).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(fingerprint(t)).not.toContain(t.slice(0, 12));
  });

  it('refuses what is not a JWT without echoing it', () => {
    expect(() => decodeClaims('secret-not-a-jwt')).toThrow(/expected 3 dot-separated parts, got 1/);
    const refused = (() => {
      try {
        decodeClaims('a.b!!.c');
        return undefined;
      } catch (e) {
        return String(e);
      }
    })();
    expect(refused).toBeDefined();
    expect(refused).not.toContain('b!!');
  });
});

describe('etcd verdict', () => {
  it.each([
    ['3.5.0', true],
    ['3.5.1', true],
    ['3.5.2', true],
    ['3.5.3', false],
    ['3.5.21', false],
    ['3.6.5', false],
    ['3.4.13', false],
  ])('etcd %s affected: %s', (v, affected) => {
    expect(judgeEtcd(v, false).affected).toBe(affected);
  });

  it('explains the bug and the fix', () => {
    const v = judgeEtcd('3.5.1', false);
    expect(v.reason).toMatch(/etcd-io\/etcd#13766/);
    expect(v.reason).toMatch(/≥ 3\.5\.3/);
    expect(judgeEtcd('3.5.2', true).reason).toMatch(/corrupt-check=true is set/);
  });
});

describe('MutatingAdmissionPolicy API version per minor', () => {
  it.each([
    [32, 'v1alpha1'],
    [33, 'v1alpha1'],
    [34, 'v1beta1'],
    [35, 'v1beta1'],
    [36, 'v1'],
    [37, 'v1'],
  ])('1.%i → %s', (m, v) => {
    expect(mapApiVersion(m)).toBe(`admissionregistration.k8s.io/${v}`);
  });
});

describe('user namespaces host check', () => {
  const node = (kernelVersion: string, containerRuntimeVersion: string) => ({
    metadata: { name: 'n' },
    status: {
      nodeInfo: {
        kernelVersion,
        containerRuntimeVersion,
        operatingSystem: 'linux',
        architecture: 'amd64',
        bootID: '',
        kubeProxyVersion: '',
        kubeletVersion: '',
        machineID: '',
        osImage: '',
        systemUUID: '',
      },
    },
  });
  it('accepts Linux ≥ 6.3 with containerd ≥ 2.0', () => {
    expect(hostProblem(node('6.8.0-45-generic', 'containerd://2.3.4'))).toBeUndefined();
  });
  it('names the kernel when it is too old', () => {
    expect(hostProblem(node('5.15.0-1', 'containerd://2.0.0'))).toMatch(/Linux 5\.15\.0-1; .*≥ 6\.3/);
  });
  it('names the runtime when it is too old', () => {
    expect(hostProblem(node('6.18.44', 'containerd://1.7.22'))).toMatch(/containerd ≥ 2\.0/);
    expect(hostProblem(node('6.18.44', 'cri-o://1.24.1'))).toMatch(/CRI-O ≥ 1\.25/);
  });
});

describe('structured authentication configuration', () => {
  const config = parse(authenticationConfiguration()) as {
    apiVersion: string;
    kind: string;
    jwt: Array<{ issuer: { url: string; audiences: string[]; certificateAuthority: string } }>;
  };

  it('is an AuthenticationConfiguration with two issuers on the fixed port of the issuer host', () => {
    expect(config.apiVersion).toBe('apiserver.config.k8s.io/v1beta1');
    expect(config.kind).toBe('AuthenticationConfiguration');
    expect(config.jwt.map((j) => j.issuer.url)).toEqual([
      `https://${issuerHost()}:${ISSUER_PORT}/team-a`,
      `https://${issuerHost()}:${ISSUER_PORT}/team-b`,
    ]);
  });

  it('puts the issuers on the Docker bridge\'s address, which a kind node reaches too, and on loopback only without one', () => {
    expect(parseBridgeAddress('5: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever preferred_lft forever\n')).toBe('172.17.0.1');
    expect(parseBridgeAddress('')).toBeUndefined();
    // this machine's own answer, from `ip` itself: a bridge address where Docker is installed, else loopback
    expect(issuerHost()).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('pins the test-only CA, which signed the serving certificate for 127.0.0.1 and the issuer host', () => {
    const ca = new X509Certificate(fixture('test-only-ca.crt'));
    for (const j of config.jwt) expect(new X509Certificate(j.issuer.certificateAuthority).fingerprint256).toBe(ca.fingerprint256);
    const serving = new X509Certificate(fixture('test-only-issuer-serving.crt'));
    expect(serving.verify(ca.publicKey)).toBe(true);
    expect(serving.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(serving.checkIP(issuerHost())).toBe(issuerHost());
    expect(new Date(serving.validTo).getFullYear()).toBeGreaterThan(new Date().getFullYear() + 5);
  });

  it('generates that material on first use into the scenario data folder, keeps no CA key, and ships none', () => {
    const dir = join(process.env.KINDLAB_HOME!, 'scenario-data', 'structured-authn-config', 'material');
    expect(readdirSync(dir).sort()).toEqual([...MATERIAL_FILES].sort());
    expect(statSync(join(dir, 'test-only-issuer-serving.key')).mode & 0o077).toBe(0);
    expect(existsSync(join(repoRoot, 'scenarios', 'fixtures', 'structured-authn'))).toBe(false);
  });
});

describe('structured authentication configuration: audiences and the reloaded file', () => {
  type Jwt = { issuer: { url: string; audiences: string[]; audienceMatchPolicy?: string }; claimMappings?: { username?: { claim?: string; prefix?: string } } };
  const jwt = (text: string) => (parse(text) as { jwt: Jwt[] }).jwt;

  it('gives team-a two audiences with MatchAny from v1beta1, and one in v1alpha1 (1.29 allows one)', () => {
    for (const v of ['v1beta1', 'v1'] as const) {
      expect(jwt(authnConfig(v))[0]!.issuer).toMatchObject({ audiences: ['kindlab', EXTRA_AUDIENCE], audienceMatchPolicy: 'MatchAny' });
    }
    const alpha = jwt(authnConfig('v1alpha1'))[0]!.issuer;
    expect(alpha.audiences).toEqual(['kindlab']);
    expect(alpha.audienceMatchPolicy).toBeUndefined();
    expect(authnConfig('v1alpha1')).toMatch(/^apiVersion: apiserver\.config\.k8s\.io\/v1alpha1\n/);
  });

  it('the rewritten file keeps both issuers and adds team-c with its own audience and prefix', () => {
    const before = jwt(authnConfig('v1beta1'));
    const after = jwt(authnConfig('v1beta1', { reloaded: true }));
    expect(after.slice(0, 2)).toEqual(before);
    expect(after[2]).toMatchObject({
      issuer: { url: `https://${issuerHost()}:${ISSUER_PORT}/${RELOADED_ISSUER}`, audiences: [RELOADED_AUDIENCE] },
      claimMappings: { username: { claim: 'sub', prefix: `${RELOADED_ISSUER}:` } },
    });
    expect(before.map((j) => j.issuer.url)).not.toContain(`https://${issuerHost()}:${ISSUER_PORT}/${RELOADED_ISSUER}`);
  });

  it('finds the file the API server reads only when it is the declared one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-authn-'));
    const kubeconfig = join(dir, 'kubeconfig');
    expect(apiServerFile(kubeconfig, 'authn.yaml', authenticationConfiguration())).toMatchObject({ reason: expect.stringMatching(/no authn\.yaml next to the kubeconfig/) });
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files', 'authn.yaml'), 'something else');
    expect(apiServerFile(kubeconfig, 'authn.yaml', authenticationConfiguration())).toMatchObject({ reason: expect.stringMatching(/is not the AuthenticationConfiguration this scenario declared/) });
    writeFileSync(join(dir, 'files', 'authn.yaml'), authenticationConfiguration());
    expect(apiServerFile(kubeconfig, 'authn.yaml', authenticationConfiguration())).toEqual({ path: join(dir, 'files', 'authn.yaml') });
  });

  it('reads the reload counter and the process start time from /metrics text', () => {
    const text = [
      '# TYPE process_start_time_seconds gauge',
      'process_start_time_seconds 1.79548808766e+09',
      'apiserver_authentication_config_controller_automatic_reloads_total{apiserver_id_hash="sha256:x",status="failure"} 4',
      'apiserver_authentication_config_controller_automatic_reloads_total{apiserver_id_hash="sha256:x",status="success"} 2',
    ].join('\n');
    expect(metricValue(text, 'process_start_time_seconds')).toBe(1795488087.66);
    expect(metricValue(text, 'apiserver_authentication_config_controller_automatic_reloads_total', 'status="success"')).toBe(2);
    expect(metricValue(text, 'apiserver_authentication_config_controller_automatic_reloads_total', 'status="failure"')).toBe(4);
    expect(metricValue(text, 'apiserver_authentication_config_controller_automatic_reload_last_timestamp_seconds')).toBeUndefined();
  });
});

describe('beta-apis-off-by-default: a pair of beta APIs the release still serves', () => {
  // an API server stops serving a beta type at its prerelease-lifecycle removal, whatever --runtime-config says
  // (v1.37.2 did not serve authentication.k8s.io/v1beta1, SelfSubjectReview removed at 1.33, with it enabled)
  it.each([
    [28, 'validatingadmissionpolicies', 'authentication.k8s.io/v1beta1'],
    [32, 'validatingadmissionpolicies', 'authentication.k8s.io/v1beta1'],
    [33, 'validatingadmissionpolicies', 'coordination.k8s.io/v1beta1'],
    [34, 'mutatingadmissionpolicies', 'coordination.k8s.io/v1beta1'],
    [37, 'mutatingadmissionpolicies', 'coordination.k8s.io/v1beta1'],
  ])('at 1.%i enables admissionregistration.k8s.io/v1beta1 for %s and leaves %s off', (m, resource, leftOff) => {
    const { enabled, leftOff: off } = betaApis(m);
    expect(`${enabled.group}/${enabled.version}`).toBe('admissionregistration.k8s.io/v1beta1');
    expect(enabled.resource).toBe(resource);
    expect(enabled.object('x')).toMatchObject({ apiVersion: 'admissionregistration.k8s.io/v1beta1', kind: resource === 'validatingadmissionpolicies' ? 'ValidatingAdmissionPolicy' : 'MutatingAdmissionPolicy' });
    expect(`${off.group}/${off.version}`).toBe(leftOff);
  });
});
