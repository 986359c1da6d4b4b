// Where a target's feature specs are read from, without building or downloading anything: a ref's
// commit in the Kubernetes checkout (`git show`, the work tree untouched), or a release's modules
// in the Go module cache (there once the lab or any build of that release ran).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRunner } from '../exec/runner.js';
import { parseFeatureSpecs, type SourceGates } from '../plan/feature-specs.js';

/** The feature files of a tree, main tree first (it also lists the staging gates it registers). */
const FEATURE_FILES: ReadonlyArray<{ module: string; file: string }> = [
  { module: 'kubernetes', file: 'pkg/features/kube_features.go' },
  { module: 'apiserver', file: 'pkg/features/kube_features.go' },
  { module: 'apiextensions-apiserver', file: 'pkg/features/kube_features.go' },
  { module: 'controller-manager', file: 'pkg/features/kube_features.go' },
  { module: 'client-go', file: 'features/known_features.go' },
];
const treePath = (f: { module: string; file: string }): string => (f.module === 'kubernetes' ? f.file : `staging/src/k8s.io/${f.module}/${f.file}`);

/** The feature specs declared at `commit` of a checkout; undefined when the tree has no feature files. */
export async function treeFeatureSpecs(runner: ProcessRunner, kubeRoot: string, commit: string, signal?: AbortSignal): Promise<SourceGates | undefined> {
  const sources: string[] = [];
  for (const f of FEATURE_FILES) {
    const r = await runner.run('git', ['-C', kubeRoot, 'show', `${commit}:${treePath(f)}`], { allowFailure: true, signal });
    if (r.exitCode === 0) sources.push(r.stdout);
  }
  return sources.length ? parseFeatureSpecs(...sources) : undefined;
}

export function goModCache(env: NodeJS.ProcessEnv): string {
  if (env.GOMODCACHE) return env.GOMODCACHE;
  const gopath = env.GOPATH?.split(':')[0];
  return join(gopath || join(env.HOME ?? homedir(), 'go'), 'pkg', 'mod');
}

/**
 * The feature specs of release vX.Y.Z from the Go module cache: k8s.io/kubernetes@vX.Y.Z and its
 * staging modules (v0.Y.Z, or the nearest earlier patch of v0.Y the lab substituted). Undefined
 * unless every module is there: a partial set would call real gates unknown.
 */
export function releaseFeatureSpecs(env: NodeJS.ProcessEnv, version: string): SourceGates | undefined {
  const m = /^v?1\.(\d+)\.(\d+)$/.exec(version);
  if (!m) return undefined;
  const [minor, patch] = [Number(m[1]), Number(m[2])];
  const root = join(goModCache(env), 'k8s.io');
  if (!existsSync(root)) return undefined;
  const entries = readdirSync(root);
  const moduleDir = (module: string): string | undefined => {
    if (module === 'kubernetes') return entries.includes(`kubernetes@v1.${minor}.${patch}`) ? join(root, `kubernetes@v1.${minor}.${patch}`) : undefined;
    let best = -1;
    for (const e of entries) {
      const x = new RegExp(`^${module.replace(/[-.]/g, '\\$&')}@v0\\.${minor}\\.(\\d+)$`).exec(e);
      if (x && Number(x[1]) <= patch && Number(x[1]) > best) best = Number(x[1]);
    }
    return best < 0 ? undefined : join(root, `${module}@v0.${minor}.${best}`);
  };
  const sources: string[] = [];
  for (const f of FEATURE_FILES) {
    const dir = moduleDir(f.module);
    if (!dir) return undefined;
    // a module may predate its feature file (client-go's came in 1.30)
    const file = join(dir, f.file);
    if (existsSync(file)) sources.push(readFileSync(file, 'utf8'));
  }
  return sources.length ? parseFeatureSpecs(...sources) : undefined;
}
