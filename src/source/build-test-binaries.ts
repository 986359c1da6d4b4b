// The upstream test binaries of a ref: e2e.test (`go test -c ./test/e2e`), the ginkgo CLI of the
// Ginkgo version it was compiled with, and the kubectl the framework shells out to — from the same
// worktree, toolchain and flags as that commit's node image and components, so Go's build cache
// serves every package they share and the next commit's test binary compiles only what changed.
import { join } from 'node:path';
import type { BuildRequest } from './build-image.js';
import { buildAtRef, builtAtRef, type RefBuild, type RefBuildDeps, type RefBuildResult } from './build-at-ref.js';
import { buildInTree, buildTestInTree, treeToolPackageIn } from './go-build.js';

export const TEST_BINARIES = ['e2e.test', 'ginkgo', 'kubectl'] as const;

const UPSTREAM_TESTS: RefBuild = {
  kind: 'test-binaries',
  outputs: TEST_BINARIES,
  async compile(b, deps) {
    const common = { tree: b.tree, ldflags: b.ldflags, tmpDir: b.tmpDir, logFile: b.logFile };
    await deps.phases.run(`go build kubectl, ginkgo with ${b.toolchain}`, async () => {
      await buildInTree({ ...common, packages: ['./cmd/kubectl'], out: join(b.binDir, 'kubectl') }, deps);
      await buildInTree({ ...common, packages: [treeToolPackageIn(b.tree, 'ginkgo')], out: join(b.binDir, 'ginkgo') }, deps);
    });
    // after kubectl: e2e.test then compiles only the packages of its own
    await deps.phases.run(`go test -c ./test/e2e with ${b.toolchain}`, () => buildTestInTree({ ...common, name: 'e2e.test', out: join(b.binDir, 'e2e.test') }, deps));
  },
};

/** Builds (or finds cached) the test binaries of the ref; `binDir` holds e2e.test, ginkgo and kubectl. */
export function buildTestBinaries(req: BuildRequest, deps: RefBuildDeps): Promise<RefBuildResult> {
  return buildAtRef(req, UPSTREAM_TESTS, deps);
}

/** The test binaries an earlier build of the ref left, if any (nothing is built). */
export function builtTestBinaries(req: BuildRequest, deps: Pick<RefBuildDeps, 'runner' | 'store' | 'signal'>): Promise<RefBuildResult | undefined> {
  return builtAtRef(req, UPSTREAM_TESTS, deps);
}
