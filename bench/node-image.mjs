#!/usr/bin/env node
// Node image builds through `kindlab build --builder go` and the real `kind build node-image`, from
// the lab's Kubernetes checkout (lab/node/build.sh), offline (--images):
//   1. a build with an empty kindlab state (the Go build cache as it is: say which),
//   2. the same commit again: a cache hit, median of 5 (target < 1 s),
//   3. the next commit: a one-line change in pkg/kubelet on top of the release, built from a
//      clone (the incremental Go build).
// kind's own `--type source` needs the kube-cross image from a registry, so it cannot run here.
// Usage: node bench/node-image.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kindlab.js');
const envFile = process.env.KINDLAB_LAB_NODE_ENV ?? join(process.env.KINDLAB_LAB_CACHE ?? join(homedir(), '.cache/kindlab/lab'), 'node', 'lab-node.env');
if (!existsSync(envFile)) {
  console.log(`skipped: the lab's node ingredients are not built (${envFile}); run bash lab/node/build.sh`);
  process.exit(0);
}
const lab = Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const home = mkdtempSync(join(tmpdir(), 'kl-bench-build-'));
const env = { ...process.env, KINDLAB_HOME: home, NO_COLOR: '1' };
const version = lab.K8S_VERSION ?? 'v1.37.2';

function build(kubeRoot, ref, extra = []) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, 'build', ref, '--kube-root', kubeRoot, '--base-image', lab.BASE_IMAGE, '--images', lab.IMAGES_DIR, '-o', 'json', ...extra], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`build failed:\n${r.stderr.slice(-3000)}`);
  return { s, out: JSON.parse(r.stdout) };
}
const goCache = execFileSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).trim();
const cacheSize = () => spawnSync('du', ['-sm', goCache], { encoding: 'utf8' }).stdout.split('\t')[0];
const fmt = (s) => (s >= 90 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);
const created = [];
try {
  console.log(`Go build cache before: ${cacheSize()} MiB (${goCache})`);
  const first = build(lab.KUBE_ROOT, version, ['--force']);
  created.push(first.out.image);
  console.log(`build ${version} (--force, empty kindlab state):   ${fmt(first.s)}  -> ${first.out.image}`);

  const hits = [];
  for (let i = 0; i < 5; i++) hits.push(build(lab.KUBE_ROOT, version).s);
  hits.sort((a, b) => a - b);
  console.log(`same commit again (cache hit), median of 5:      ${hits[2].toFixed(2)} s (min ${hits[0].toFixed(2)} s; target < 1 s)`);

  const clone = mkdtempSync(join(tmpdir(), 'kl-bench-kube-'));
  execFileSync('git', ['clone', '-q', '--shared', lab.KUBE_ROOT, clone]);
  const file = join(clone, 'pkg/kubelet/kubelet.go');
  writeFileSync(file, readFileSync(file, 'utf8') + '\n// kindlab bench: the next commit\nvar _ = "kindlab-bench"\n');
  execFileSync('git', ['-C', clone, '-c', 'user.name=bench', '-c', 'user.email=b@example.com', 'commit', '-qam', 'bench: next commit']);
  const next = build(clone, 'HEAD');
  created.push(next.out.image);
  console.log(`next commit (one file in pkg/kubelet changed):   ${fmt(next.s)}  -> ${next.out.image}`);
  console.log(`Go build cache after: ${cacheSize()} MiB`);
  rmSync(clone, { recursive: true, force: true });
} finally {
  for (const img of created.slice(1)) spawnSync('docker', ['rmi', img], { stdio: 'ignore' });
  rmSync(home, { recursive: true, force: true });
}
