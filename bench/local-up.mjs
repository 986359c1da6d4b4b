#!/usr/bin/env node
// Local provider: time from create() to ready (readyz + default ServiceAccount), averaged over
// runs, and the lab build times recorded in the manifest. Needs `npm run build` and the lab
// binaries (npm run lab, or KINDLAB_LAB_BIN). Usage: node bench/local-up.mjs [runs=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { LocalProvider, defaultLabBinDir } = await import(join(dist, 'cluster/local/provider.js'));
const { StateStore } = await import(join(dist, 'state/store.js'));
const { ExecaRunner } = await import(join(dist, 'exec/runner.js'));
const { emptyProfile } = await import(join(dist, 'cluster/profile.js'));
const { silentLogger } = await import(join(dist, 'util/logger.js'));
const { readManifest } = await import(join(dist, 'lab/cache.js'));

const binDir = process.env.KINDLAB_LAB_BIN || defaultLabBinDir();
if (!binDir) {
  console.log('skipped: no lab binaries (run `npm run lab` or set KINDLAB_LAB_BIN)');
  process.exit(0);
}
const manifest = readManifest(join(binDir, '..'));
if (manifest) {
  const k = manifest.kubernetes;
  const e = manifest.etcd;
  console.log(`lab: Kubernetes ${k.version} last build ${k.buildSeconds}s (${k.firstBuild ? 'cold' : 'warm'}), etcd ${e.version} ${e.buildSeconds}s`);
  for (const h of manifest.history ?? []) console.log(`  build at ${h.at}: kubernetes ${h.kubernetesSeconds}s, etcd ${h.etcdSeconds}s (0 = reused)`);
}

const runs = Number(process.argv[2] ?? 3);
const home = mkdtempSync(join(tmpdir(), 'kl-bench-local-'));
const store = new StateStore(home);
const ctx = { runner: new ExecaRunner(), store, log: silentLogger };
const provider = new LocalProvider();
const times = [];
try {
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const rec = await provider.create({ name: `bench-${i}`, profile: emptyProfile(), binDir }, ctx);
    const up = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await provider.delete(rec, ctx);
    const down = (performance.now() - t1) / 1000;
    times.push(up);
    console.log(`run ${i + 1}: up-to-ready ${up.toFixed(1)}s, down ${down.toFixed(1)}s`);
  }
} finally {
  for (const rec of store.listClusters()) await provider.delete(rec, ctx).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
}
const avg = times.reduce((a, b) => a + b, 0) / times.length;
console.log(`local up-to-ready: mean ${avg.toFixed(1)}s over ${runs} runs (target < 15s) ${avg < 15 ? 'OK' : 'SLOW'} [${binDir}]`);
