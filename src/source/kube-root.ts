// Finds and validates the Kubernetes checkout: --kube-root, else $KUBE_ROOT, else the current
// directory. A checkout is a git repository whose go.mod declares `module k8s.io/kubernetes`.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export function chooseKubeRoot(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): { path: string; from: string } {
  if (flag) return { path: resolve(cwd, flag), from: '--kube-root' };
  if (env.KUBE_ROOT) return { path: resolve(cwd, env.KUBE_ROOT), from: '$KUBE_ROOT' };
  return { path: cwd, from: 'the current directory' };
}

/** Pure check of a go.mod's module line. */
export function isKubernetesGoMod(goMod: string): boolean {
  return /^module\s+k8s\.io\/kubernetes\s*$/m.test(goMod);
}

export function validateKubeRoot(root: { path: string; from: string }): void {
  const { path, from } = root;
  const fix = 'pass --kube-root /path/to/kubernetes or set KUBE_ROOT (a clone of https://github.com/kubernetes/kubernetes)';
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new UsageError(`Kubernetes checkout ${path} (from ${from}) does not exist`, { hint: fix });
  }
  if (!existsSync(join(path, '.git'))) {
    throw new UsageError(`${path} (from ${from}) is not a git checkout: it has no .git`, { hint: fix });
  }
  const goMod = join(path, 'go.mod');
  if (!existsSync(goMod) || !isKubernetesGoMod(readFileSync(goMod, 'utf8'))) {
    throw new UsageError(`${path} (from ${from}) is not a Kubernetes checkout: its go.mod does not declare module k8s.io/kubernetes`, {
      hint: fix,
    });
  }
}
