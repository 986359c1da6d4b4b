#!/usr/bin/env node
// kindlab's overhead on `up` over a raw `kind create cluster` of the same node image and
// config (target ≤ 2 s), and create → all nodes Ready. Uses the node image of the lab release
// (kindlab build it first: node bench/node-image.mjs, or the real-kind test tier).
// Usage: node bench/kind-up.mjs [runs=2] [image=kindlab/node:v1.37.2]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kindlab.js');
const runs = Number(process.argv[2] ?? 2);
const image = process.argv[3] ?? 'kindlab/node:v1.37.2';
if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) {
  console.log(`skipped: ${image} is not built (node bench/node-image.mjs builds it)`);
  process.exit(0);
}
const home = mkdtempSync(join(tmpdir(), 'kl-bench-up-'));
const env = { ...process.env, KINDLAB_HOME: home, NO_COLOR: '1' };
const time = (fn) => {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
};
const ready = (kubeconfig) => {
  const t0 = performance.now();
  for (;;) {
    const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() && r.stdout.trim().split(/\s+/).every((s) => s === 'True')) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > 300_000) throw new Error('nodes not Ready after 300 s');
    spawnSync('sleep', ['0.5']);
  }
};
const rows = [];
try {
  for (let i = 0; i < runs; i++) {
    const k = `bench-kl-${i}`;
    const tk = time(() => execFileSync(process.execPath, [bin, 'up', '--name', k, '--image', image, '--wait', '180s'], { env, stdio: 'ignore' }));
    const config = join(home, 'clusters', k, 'kind-config.yaml');
    const kindConfig = readFileSync(config, 'utf8').replace(`name: ${k}`, `name: bench-raw-${i}`);
    const tkReady = ready(join(home, 'clusters', k, 'kubeconfig'));
    execFileSync(process.execPath, [bin, 'down', k], { env, stdio: 'ignore' });

    const raw = join(home, `raw-${i}.yaml`);
    // The same config kindlab rendered, without its ownership mount (a raw kind user would not have it).
    writeFileSync(raw, kindConfig);
    const rawKubeconfig = join(home, `raw-${i}.kubeconfig`);
    const tr = time(() => execFileSync('kind', ['create', 'cluster', '--name', `bench-raw-${i}`, '--config', raw, '--kubeconfig', rawKubeconfig, '--wait', '180s'], { stdio: 'ignore' }));
    const trReady = ready(rawKubeconfig);
    execFileSync('kind', ['delete', 'cluster', '--name', `bench-raw-${i}`, '--kubeconfig', rawKubeconfig], { stdio: 'ignore' });
    rows.push({ tk, tr, tkReady, trReady });
    console.log(`run ${i + 1}: kindlab up ${tk.toFixed(1)} s (+${tkReady.toFixed(1)} s to all nodes Ready), kind create cluster ${tr.toFixed(1)} s (+${trReady.toFixed(1)} s), overhead ${(tk - tr).toFixed(1)} s`);
  }
  const mean = (f) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
  console.log(`mean: kindlab up ${mean((r) => r.tk).toFixed(1)} s, raw kind ${mean((r) => r.tr).toFixed(1)} s, overhead ${mean((r) => r.tk - r.tr).toFixed(1)} s (target ≤ 2 s); create → Ready ${mean((r) => r.tk + r.tkReady).toFixed(1)} s`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
