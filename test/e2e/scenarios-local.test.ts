// The API-level scenarios against a real control plane (etcd + kube-apiserver +
// kube-controller-manager from `npm run lab`, started by the local provider).
//
// 1. What the scenarios declare is accepted by a real kube-apiserver: one cluster is started with
//    the union of every API-level scenario's gates, runtime config, flags and files. Gates that this
//    release no longer knows are left out first, because the planner drops those; the list of known
//    gates comes from a plain cluster's own kubernetes_feature_enabled metric.
// 2. `kindlab run` passes the scenarios on that cluster. This part skips, with the reason, until the
//    runner exists.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLabBinDir, LocalProvider } from '../../src/cluster/local/provider.js';
import { emptyProfile, type ClusterProfile } from '../../src/cluster/profile.js';
import type { ProviderContext } from '../../src/cluster/provider.js';
import { ExecaRunner } from '../../src/exec/runner.js';
import { resolveRequirements } from '../../src/plan/requirements.js';
import type { Scenario } from '../../src/scenario/types.js';
import type { ClusterRecord } from '../../src/state/records.js';
import { StateStore } from '../../src/state/store.js';
import { silentLogger } from '../../src/util/logger.js';
import { unavailable } from '../helpers/unavailable.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
// what the clusters below run (the describe is skipped without lab binaries)
const labBuild = binDir ? ({ runsFrom: 'binaries', binDir } as const) : undefined;
const cli = join(root, 'bin', 'kindlab.js');

async function scenarios(): Promise<Scenario[]> {
  const dir = join(root, 'scenarios');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.startsWith('_'));
  return Promise.all(files.map(async (f) => ((await import(/* @vite-ignore */ pathToFileURL(join(dir, f)).href)) as { default: Scenario }).default));
}

function get(rec: ClusterRecord, path: string): Promise<{ status: number; text: string }> {
  const cfg = JSON.parse(readFileSync(rec.kubeconfig, 'utf8'));
  const b = (s: string) => Buffer.from(s, 'base64').toString();
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, cfg.clusters[0].cluster.server),
      {
        ca: b(cfg.clusters[0].cluster['certificate-authority-data']),
        cert: b(cfg.users[0].user['client-certificate-data']),
        key: b(cfg.users[0].user['client-key-data']),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}


if (!binDir) unavailable('API-level scenarios on the local provider (real binaries)', 'no lab binaries (npm run lab)');
describe.skipIf(!binDir)('API-level scenarios on the local provider (real binaries)', () => {
  let home: string;
  let store: StateStore;
  let ctx: ProviderContext;
  let version: string;
  let known: Set<string>;
  let shaped: ClusterRecord | undefined;
  const provider = new LocalProvider();

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kl-e2e-scenarios-'));
    // One KINDLAB_HOME for this process and the CLI it runs: the structured-authn test CA that the
    // cluster's file pins (made here, when the profile is read) must be the one `kindlab run` serves.
    process.env.KINDLAB_HOME = home;
    store = new StateStore(home);
    ctx = { runner: new ExecaRunner(), store, log: silentLogger };
    const plain = await provider.create({ name: 'gates', profile: emptyProfile(), build: labBuild }, ctx);
    version = (plain.kubernetesVersion ?? '').replace(/^v/, '');
    const metrics = (await get(plain, '/metrics')).text;
    known = new Set([...metrics.matchAll(/^kubernetes_feature_enabled\{name="([^"]+)"/gm)].map((m) => m[1]!));
    await provider.delete(plain, ctx);
  });
  afterAll(async () => {
    for (const rec of store.listClusters()) await provider.delete(rec, ctx).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  });

  it('the union of their requirements starts a ready control plane that serves what they asked for', async () => {
    const api = (await scenarios()).filter((s) => s.requires?.needs === 'api' && semver.satisfies(version, s.versions ?? '*'));
    expect(api.length).toBeGreaterThan(10);
    const profile: ClusterProfile = emptyProfile();
    const dropped: string[] = [];
    for (const s of api) {
      // The needs each scenario has at this version (feature stage, perVersion entries).
      const r = resolveRequirements(s, { version });
      if (!r.ok) {
        dropped.push(`${s.id} (${r.reason})`);
        continue;
      }
      for (const [gate, v] of Object.entries(r.requirements.featureGates)) {
        if (known.has(gate)) profile.featureGates[gate] = v;
        else dropped.push(`${s.id}:${gate}`);
      }
      Object.assign(profile.runtimeConfig, r.requirements.runtimeConfig);
      Object.assign(profile.apiServerExtraArgs, r.requirements.apiServerFlags);
      Object.assign(profile.controllerManagerExtraArgs, r.requirements.controllerManagerFlags);
      for (const f of r.requirements.files) if (!profile.files.some((x) => x.name === f.name)) profile.files.push(f);
    }
    console.log(`v${version}: gates ${JSON.stringify(profile.featureGates)}; left out (unknown to this release): ${dropped.join(', ')}`);
    shaped = await provider.create({ name: 'scenarios', profile, build: labBuild }, ctx);
    expect(shaped.state).toBe('ready');
    const metrics = (await get(shaped, '/metrics')).text;
    for (const [gate, on] of Object.entries(profile.featureGates)) {
      expect(metrics, gate).toMatch(new RegExp(`^kubernetes_feature_enabled\\{name="${gate}",[^}]*\\} ${on ? 1 : 0}$`, 'm'));
    }
    for (const gv of Object.keys(profile.runtimeConfig)) expect((await get(shaped, `/apis/${gv}`)).status, gv).toBe(200);
    expect(readFileSync(join(store.clusterDir('scenarios'), 'files', 'authn.yaml'), 'utf8')).toContain('kind: AuthenticationConfiguration');
  });

  it('kindlab run passes every API-level scenario on that cluster', async () => {
    expect(shaped, 'the cluster from the previous test').toBeDefined();
    const ids = (await scenarios()).filter((s) => s.requires?.needs === 'api' && semver.satisfies(version, s.versions ?? '*')).map((s) => s.id);
    const r = await execa('node', [cli, 'run', '--kubeconfig', shaped!.kubeconfig, ...ids], {
      reject: false,
      env: { KINDLAB_HOME: home, NO_COLOR: '1' },
      timeout: 600_000,
    });
    console.log(r.stdout.slice(-4000));
    expect(r.exitCode, r.stderr.slice(-2000)).toBe(0);
    for (const id of ids) expect(r.stdout, id).toContain(id);
  });
});
