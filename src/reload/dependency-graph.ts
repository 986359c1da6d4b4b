// For each component, the folders of the packages its command is built from, as Go sees them
// (`go list -deps` with the build tags and environment of every tree build), relative to the tree.
// One `go list` loads the graph of all the commands at once (≈ 1.3 s on the lab checkout, against
// ≈ 3.4 s for one call per command); the split into commands is `parsePackageGraph`'s.
import { tmpdir } from 'node:os';
import type { ProcessRunner } from '../exec/runner.js';
import { KUBE_TREE_TAGS, treeBuildEnv, treeToolchain } from '../source/go-build.js';
import { commandPackage, type ReloadTarget } from './components.js';

const FORMAT = '{{if not .Standard}}{{.ImportPath}}\t{{.Dir}}\t{{if eq .Name "main"}}{{join .Deps " "}}{{end}}{{end}}';

export async function componentPackageDirs(
  tree: string,
  components: readonly ReloadTarget[],
  deps: { runner: ProcessRunner; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<Map<ReloadTarget, Set<string>>> {
  const env = treeBuildEnv(treeToolchain(tree, deps.env), tmpdir());
  const r = await deps.runner.run('go', ['list', '-tags', KUBE_TREE_TAGS.join(','), '-deps', '-f', FORMAT, ...components.map(commandPackage)], { cwd: tree, env, signal: deps.signal });
  return parsePackageGraph(r.stdout, tree, components);
}

/**
 * Pure: `go list -deps -f FORMAT` output (import path, folder, and for a command its dependencies'
 * import paths) → each component's package folders inside the tree. Packages from the module cache
 * are not part of the tree: a change to them is a go.mod change.
 */
export function parsePackageGraph(output: string, tree: string, components: readonly ReloadTarget[]): Map<ReloadTarget, Set<string>> {
  const dirOf = new Map<string, string>();
  const depsOf = new Map<string, string[]>();
  const root = tree.endsWith('/') ? tree : `${tree}/`;
  for (const line of output.split('\n')) {
    const [importPath, dir, deps] = line.split('\t');
    if (!importPath || dir === undefined) continue;
    if (dir === tree || dir.startsWith(root)) dirOf.set(importPath, dir === tree ? '.' : dir.slice(root.length));
    if (deps) depsOf.set(importPath, deps.split(' ').filter(Boolean));
  }
  const out = new Map<ReloadTarget, Set<string>>();
  for (const c of components) {
    const command = `k8s.io/kubernetes/${commandPackage(c).slice(2)}`;
    const deps = depsOf.get(command);
    if (!deps) throw new Error(`go list named no dependencies for ${command}`);
    const dirs = new Set<string>();
    for (const p of [command, ...deps]) {
      const d = dirOf.get(p);
      if (d !== undefined) dirs.add(d);
    }
    out.set(c, dirs);
  }
  return out;
}
