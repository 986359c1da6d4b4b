// The binaries of a reload: the named components compiled from the tree at a ref (uncommitted
// changes of HEAD included), cached by commit and patch like every build at a ref.
import { buildAtRef, type RefBuild, type RefBuildDeps, type RefBuildResult } from '../source/build-at-ref.js';
import type { BuildRequest } from '../source/build-image.js';
import { buildInTree } from '../source/go-build.js';
import { commandPackage, type ReloadTarget } from './components.js';

/** The named commands (./cmd/<name>) compiled from the tree at a ref into one folder. */

export function reloadBuild(components: readonly string[]): RefBuild {
  return {
    kind: 'reload-binaries',
    outputs: components,
    keepTree: true,
    compile: (b, deps) =>
      deps.phases.run(`go build ${components.join(', ')} with ${b.toolchain}`, () =>
        buildInTree({ tree: b.tree, packages: components.map(commandPackage), out: components.length === 1 ? `${b.binDir}/${components[0]}` : `${b.binDir}/`, ldflags: b.ldflags, tmpDir: b.tmpDir, logFile: b.logFile }, deps).then(() => undefined),
      ),
  };
}

export function buildForReload(req: BuildRequest, components: readonly ReloadTarget[], deps: RefBuildDeps): Promise<RefBuildResult> {
  return buildAtRef(req, reloadBuild(components), deps);
}
