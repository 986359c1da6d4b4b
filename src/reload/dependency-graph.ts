// For each component, the folders of the packages its command is built from, as Go sees them
// (`go list -deps` with the build tags and environment of every tree build), relative to the tree.
import { relative, sep } from 'node:path';
import { tmpdir } from 'node:os';
import type { ProcessRunner } from '../exec/runner.js';
import { KUBE_TREE_TAGS, treeBuildEnv, treeToolchain } from '../source/go-build.js';
import { commandPackage, type ReloadComponent } from './components.js';

export async function componentPackageDirs(
  tree: string,
  components: readonly ReloadComponent[],
  deps: { runner: ProcessRunner; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<Map<ReloadComponent, Set<string>>> {
  const env = treeBuildEnv(treeToolchain(tree, deps.env), tmpdir());
  const out = new Map<ReloadComponent, Set<string>>();
  for (const c of components) {
    const r = await deps.runner.run('go', ['list', '-tags', KUBE_TREE_TAGS.join(','), '-deps', '-f', '{{if not .Standard}}{{.Dir}}{{end}}', commandPackage(c)], { cwd: tree, env, signal: deps.signal });
    const dirs = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((d) => relative(tree, d))
      // packages from the module cache are not part of the tree: a change to them is a go.mod change
      .filter((d) => !d.startsWith('..'))
      .map((d) => (d === '' ? '.' : d.split(sep).join('/')));
    out.set(c, new Set(dirs));
  }
  return out;
}
