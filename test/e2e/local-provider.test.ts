// The local provider against real etcd + kube-apiserver + kube-controller-manager binaries from
// `npm run lab`. Skips (with the reason) when those binaries are missing.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { localProcesses } from '../../src/cluster/local/state.js';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabBinDir, LocalProvider } from '../../src/cluster/local/provider.js';
import { processArgv } from '../../src/cluster/local/processes.js';
import { emptyProfile, type ClusterProfile } from '../../src/cluster/profile.js';
import type { ProviderContext } from '../../src/cluster/provider.js';
import { ProcessError } from '../../src/errors.js';
import { ExecaRunner } from '../../src/exec/runner.js';
import { labBinDirs } from '../../src/lab/cache.js';
import type { ClusterRecord } from '../../src/state/records.js';
import { StateStore } from '../../src/state/store.js';
import { silentLogger } from '../../src/util/logger.js';
import { unavailable } from '../helpers/unavailable.js';

const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
// what the clusters below run (the describe is skipped without lab binaries)
const labBuild = binDir ? ({ runsFrom: 'binaries', binDir } as const) : undefined;
const whyMissing = binDir ? '' : 'no lab binaries (set KINDLAB_LAB_BIN or run `npm run lab`)';

// Off by default in 1.37 (alpha); both chosen by asking a default API server (/metrics, /apis).
const GATE = 'APIServingWithRoutine';
const GROUP_VERSION = 'admissionregistration.k8s.io/v1alpha1';

const ADMISSION = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: restricted
      enforce-version: latest
    exemptions: {usernames: [], runtimeClasses: [], namespaces: []}
`;

interface Creds {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

function creds(rec: ClusterRecord): Creds {
  const cfg = JSON.parse(readFileSync(rec.kubeconfig, 'utf8'));
  const b = (s: string) => Buffer.from(s, 'base64').toString();
  return {
    server: cfg.clusters[0].cluster.server,
    ca: b(cfg.clusters[0].cluster['certificate-authority-data']),
    cert: b(cfg.users[0].user['client-certificate-data']),
    key: b(cfg.users[0].user['client-key-data']),
  };
}

function call(c: Creds, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      new URL(path, c.server),
      { method, ca: c.ca, cert: c.cert, key: c.key, headers: data ? { 'content-type': 'application/json' } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const privilegedPod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
});

function gateMetric(metrics: string, gate: string): string | undefined {
  return metrics.split('\n').find((l) => l.startsWith(`kubernetes_feature_enabled{name="${gate}"`));
}

if (!binDir) unavailable('local provider (real binaries)', 'no lab binaries (npm run lab)');
describe.skipIf(!binDir)('local provider (real binaries)', () => {
  let home: string;
  let store: StateStore;
  let ctx: ProviderContext;
  const provider = new LocalProvider();

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'kl-e2e-local-'));
    store = new StateStore(home);
    ctx = { runner: new ExecaRunner(), store, log: silentLogger };
  });
  afterAll(async () => {
    for (const rec of store.listClusters()) await provider.delete(rec, ctx).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  function gone(rec: ClusterRecord): void {
    for (const p of localProcesses(rec)) expect(processArgv(p.pid), `${p.component} pid ${p.pid} still running`).toBeUndefined();
    expect(existsSync(store.clusterDir(rec.name))).toBe(false);
    expect(store.getCluster(rec.name)).toBeUndefined();
  }

  it('a default cluster is ready, serves no alpha API and runs the alpha gate off', async () => {
    const rec = await provider.create({ name: 'plain', profile: emptyProfile(), build: labBuild }, ctx);
    expect(rec.state).toBe('ready');
    expect(rec.provider).toBe('local');
    expect(rec.kubernetesVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(statSync(rec.kubeconfig).mode & 0o777).toBe(0o600);
    expect(localProcesses(rec).map((p) => p.component)).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager']);
    const c = creds(rec);
    expect((await call(c, 'GET', '/readyz')).status).toBe(200);
    expect((await call(c, 'GET', '/api/v1/namespaces/default/serviceaccounts/default')).status).toBe(200);
    expect(gateMetric((await call(c, 'GET', '/metrics')).text, GATE)).toMatch(/ 0$/);
    expect((await call(c, 'GET', `/apis/${GROUP_VERSION}`)).status).toBe(404);
    // No admission config: PodSecurity's default is privileged, so the pod is admitted.
    expect((await call(c, 'POST', '/api/v1/namespaces/default/pods', privilegedPod('p'))).status).toBe(201);
    expect((await provider.listLive(ctx)).map((l) => l.name)).toContain('plain');

    await provider.delete(rec, ctx);
    gone(rec);
    expect((await provider.listLive(ctx)).map((l) => l.name)).not.toContain('plain');
  });

  it('applies feature gates, runtime config, extra API server flags and files; down leaves nothing', async () => {
    const profile: ClusterProfile = {
      ...emptyProfile(),
      featureGates: { [GATE]: true },
      runtimeConfig: { [GROUP_VERSION]: 'true' },
      apiServerExtraArgs: { 'admission-control-config-file': '${KINDLAB_FILES}/admission.yaml' },
      files: [{ name: 'admission.yaml', content: ADMISSION }],
    };
    const started = performance.now();
    const rec = await provider.create({ name: 'shaped', profile, build: labBuild, withScheduler: true }, ctx);
    console.log(`local up-to-ready: ${((performance.now() - started) / 1000).toFixed(1)}s`);
    expect(localProcesses(rec).map((p) => p.component)).toContain('kube-scheduler');
    const c = creds(rec);
    expect(gateMetric((await call(c, 'GET', '/metrics')).text, GATE)).toMatch(/ 1$/);
    const gv = await call(c, 'GET', `/apis/${GROUP_VERSION}`);
    expect(gv.status).toBe(200);
    expect(JSON.parse(gv.text).groupVersion).toBe(GROUP_VERSION);
    const denied = await call(c, 'POST', '/api/v1/namespaces/default/pods', privilegedPod('p'));
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.text).message).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(readFileSync(join(store.clusterDir('shaped'), 'files', 'admission.yaml'), 'utf8')).toBe(ADMISSION);

    await provider.delete(rec, ctx);
    gone(rec);
  });

  it('a flag the API server rejects fails with its own message and leaves nothing', async () => {
    const profile: ClusterProfile = { ...emptyProfile(), apiServerExtraArgs: { 'no-such-flag': 'x' } };
    const err = await provider.create({ name: 'badflag', profile, build: labBuild }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessError);
    expect((err as ProcessError).message).toMatch(/kube-apiserver exited .*unknown flag: --no-such-flag/);
    expect(existsSync(store.clusterDir('badflag'))).toBe(false);
    expect((err as ProcessError).logFile && existsSync((err as ProcessError).logFile!)).toBe(true);
  });

  it('Ctrl-C during create stops every started process and removes the folder', async () => {
    const ac = new AbortController();
    const seen: number[] = [];
    const watch = setInterval(() => {
      const r = store.getCluster('interrupted');
      for (const p of (r ? localProcesses(r) : [])) if (!seen.includes(p.pid)) seen.push(p.pid);
      if (seen.length >= 2 && !ac.signal.aborted) ac.abort(new Error('interrupted by SIGINT'));
    }, 20);
    const err = await provider.create({ name: 'interrupted', profile: emptyProfile(), build: labBuild }, { ...ctx, signal: ac.signal }).catch((e: unknown) => e);
    clearInterval(watch);
    expect((err as Error).message).toBe('interrupted by SIGINT');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const pid of seen) expect(processArgv(pid)).toBeUndefined();
    expect(existsSync(store.clusterDir('interrupted'))).toBe(false);
    expect(store.getCluster('interrupted')).toBeUndefined();
  });
});

// Every other release the lab has built (e.g. npm run lab -- --k8s-version v1.26.15) must come up too.
const otherReleases = labBinDirs().filter((d) => d.binDir !== binDir);
describe.skipIf(otherReleases.length === 0)('local provider on other lab releases', () => {
  it.each(otherReleases)('$version comes up ready and goes away', async ({ version, binDir: dir }) => {
    const home = mkdtempSync(join(tmpdir(), 'kl-e2e-old-'));
    const store = new StateStore(home);
    const ctx: ProviderContext = { runner: new ExecaRunner(), store, log: silentLogger };
    const provider = new LocalProvider();
    try {
      const rec = await provider.create({ name: 'old', profile: emptyProfile(), build: { runsFrom: 'binaries', binDir: dir } }, ctx);
      expect(rec.kubernetesVersion).toBe(version);
      const c = creds(rec);
      expect(JSON.parse((await call(c, 'GET', '/version')).text).gitVersion).toBe(version);
      expect((await call(c, 'GET', '/api/v1/namespaces/default/serviceaccounts/default')).status).toBe(200);
      await provider.delete(rec, ctx);
      for (const p of localProcesses(rec)) expect(processArgv(p.pid)).toBeUndefined();
      expect(existsSync(store.clusterDir('old'))).toBe(false);
    } finally {
      for (const r of store.listClusters()) await provider.delete(r, ctx).catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    }
  });
});

if (!binDir) {
  describe('local provider (real binaries)', () => {
    it.skip(`skipped: ${whyMissing}`, () => {});
  });
}
