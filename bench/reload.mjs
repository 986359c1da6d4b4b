#!/usr/bin/env node
// `kindlab reload` after a one-file edit, against building a node image of the same edit and a
// new cluster from it (targets on two cores: kubelet reload ≤ 30 s, apiserver reload ≤ 45 s).
// Each figure runs from the saved edit until the reloaded component serves the new build (the
// command returns when it does: kubelets Ready at the new version, the API server's /version and
// readiness) — the moment a scenario's first step can talk to it. Every edit is new (a timestamp
// in it), so no figure is a cache hit; the Go build cache is warm, as in a working session. Before
// each edit the cluster is left alone for SETTLE_SECONDS (default 30: a person edits for longer
// than that), so a figure does not carry the previous reload's restarts (an API server that has
// just started uses a core for a while).
// Needs the lab's node ingredients (npm run lab builds them) and the lab node image.
// Usage: node bench/reload.mjs [runs=2] [--no-baseline]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kindlab.js');
const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 2);
const baseline = !process.argv.includes('--no-baseline');
const labEnv = process.env.KINDLAB_LAB_NODE_ENV ?? join(homedir(), '.cache/kindlab/lab/node/lab-node.env');
if (!existsSync(labEnv)) {
  console.log(`skipped: ${labEnv} is missing (npm run lab builds the lab's node ingredients)`);
  process.exit(0);
}
const lab = Object.fromEntries(readFileSync(labEnv, 'utf8').split('\n').map((l) => /^([A-Z_]+)=(.*)$/.exec(l)).filter(Boolean).map((m) => [m[1], m[2]]));
const image = `kindlab/node:${lab.K8S_VERSION ?? 'v1.37.2'}`;
if (spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) {
  console.log(`skipped: ${image} is not built (node bench/node-image.mjs builds it)`);
  process.exit(0);
}

const home = mkdtempSync(join(tmpdir(), 'kl-bench-reload-'));
const tree = join(home, 'kubernetes');
const env = { ...process.env, KINDLAB_HOME: home, NO_COLOR: '1' };
const kl = (args) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`kindlab ${args.join(' ')} exited ${r.status}:\n${r.stderr.slice(-3000)}`);
  return { seconds: (performance.now() - t0) / 1000, stdout: r.stdout, stderr: r.stderr };
};
const edit = (file, from, to) => {
  const path = join(tree, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${file}: the edit found nothing to change`);
  writeFileSync(path, next);
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const settle = () => spawnSync('sleep', [process.env.SETTLE_SECONDS ?? '30']);
const phases = (stderr) =>
  [...stderr.matchAll(/✓ ([^\n]*?) \(([\d.]+)s\)/g)]
    .map((m) => `${m[1].replace(/ with go[\d.]+ \(.*\)$/, '').replace(/registry\.k8s\.io\//g, '').replace(/: static pod manifest.*$/, '').replace(/: new binary.*$/, '').slice(0, 60)} ${m[2]} s`)
    .join('; ');

const KUBELET = ['pkg/kubelet/kubelet.go', /(\tlogger := klog\.FromContext\(ctx\)\n\tif kl\.logServer == nil \{)/];
const APISERVER = ['pkg/registry/core/configmap/strategy.go', /func \(strategy\) WarningsOnCreate\(ctx context\.Context, obj runtime\.Object\) \[\]string \{[^\n]*/];
const cluster = 'bench-reload';
const figures = { kubelet: [], apiserver: [] };
try {
  execFileSync('git', ['clone', '-q', '--shared', lab.KUBE_ROOT, tree]);
  kl(['up', '--name', cluster, '--image', image, '--workers', '1', '--wait', '180s']);
  console.log(`load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (other clusters on this docker: ${execFileSync('docker', ['ps', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').filter((n) => n && !n.startsWith(cluster)).join(', ') || 'none'})`);
  for (let i = 0; i < runs; i++) {
    settle();
    edit(KUBELET[0], KUBELET[1], `$1\n\t\tlogger.Info("bench edit ${Date.now()}")`);
    const k = kl(['reload', '--cluster', cluster, '--kube-root', tree]);
    figures.kubelet.push(k.seconds);
    console.log(`kubelet edit ${i + 1}: ${k.seconds.toFixed(1)} s (${phases(k.stderr)})`);

    settle();
    edit(APISERVER[0], APISERVER[1], `func (strategy) WarningsOnCreate(ctx context.Context, obj runtime.Object) []string { return []string{"bench edit ${Date.now()}"} }`);
    const a = kl(['reload', '--cluster', cluster, '--kube-root', tree]);
    figures.apiserver.push(a.seconds);
    const components = /cluster "[^"]+": .*\n((?: {2}\S+: .*\n)+)/.exec(a.stdout)?.[1].trim().split('\n').map((l) => l.trim().split(':')[0]).join(', ');
    console.log(`apiserver edit ${i + 1}: ${a.seconds.toFixed(1)} s (replaced ${components}; ${phases(a.stderr)})`);
  }
  console.log(`kubelet reload: ${mean(figures.kubelet).toFixed(0)} s (mean of ${runs}; target ≤ 30 s)`);
  console.log(`apiserver reload: ${mean(figures.apiserver).toFixed(0)} s (mean of ${runs}; target ≤ 45 s)`);
  kl(['down', cluster]);

  if (baseline) {
    // The same kind of change the old way: a node image of the edited tree, and a new cluster.
    edit(KUBELET[0], KUBELET[1], `$1\n\t\tlogger.Info("bench edit ${Date.now()}")`);
    const b = kl(['build', 'HEAD', '--kube-root', tree, '--base-image', lab.BASE_IMAGE, '--images', lab.IMAGES_DIR, '-o', 'json']);
    const built = JSON.parse(b.stdout).image;
    const u = kl(['up', '--name', `${cluster}-full`, '--image', built, '--workers', '1', '--wait', '180s']);
    console.log(`build + up of a kubelet edit: ${(b.seconds + u.seconds).toFixed(0)} s (kindlab build ${b.seconds.toFixed(0)} s, up ${u.seconds.toFixed(0)} s)`);
    kl(['down', `${cluster}-full`]);
    kl(['rmi', built]);
  }
} finally {
  spawnSync('kind', ['delete', 'cluster', '--name', cluster], { stdio: 'ignore' });
  spawnSync('kind', ['delete', 'cluster', '--name', `${cluster}-full`], { stdio: 'ignore' });
  rmSync(home, { recursive: true, force: true });
}
