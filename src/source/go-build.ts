// The one way kindlab compiles Kubernetes commands from a source tree: lab binaries, node images,
// local-provider components and test binaries all go through here. Go keys each compiled package
// on the toolchain, the build tags and (with -trimpath) the package's module path and version, so
// one toolchain and one flag set per tree make the second build of a commit a link, not a compile.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessRunner } from '../exec/runner.js';
import { goToolchain } from './release-layout.js';

/** Build tags of every Kubernetes build from a tree (those of upstream's release builds). */
export const KUBE_TREE_TAGS = ['selinux', 'notest'] as const;

export interface TreeBuild {
  /** The Kubernetes source tree (a checkout or a worktree of one). */
  tree: string;
  /** Packages relative to the tree, e.g. ./cmd/kubelet. */
  packages: readonly string[];
  /** A folder (ends with /) or, for one package, a file. */
  out: string;
  ldflags: string;
  /** Go's work folder; a killed go build leaves it behind, so it lives where the caller cleans up. */
  tmpDir: string;
  logFile?: string;
  /** Extra arguments before the packages (e.g. -v to list what is compiled). */
  extraArgs?: readonly string[];
}

export interface TreeBuildDeps {
  runner: ProcessRunner;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** The Go a tree pins (its .go-version), unless KINDLAB_GOTOOLCHAIN overrides it. */
export function treeToolchain(tree: string, env: NodeJS.ProcessEnv): { value?: string; reason: string } {
  const file = join(tree, '.go-version');
  return goToolchain(existsSync(file) ? readFileSync(file, 'utf8') : undefined, env.KINDLAB_GOTOOLCHAIN);
}

/** The `go build` argument list (pure; the bench and tests read it too). */
export function treeBuildArgs(b: Pick<TreeBuild, 'packages' | 'out' | 'ldflags' | 'extraArgs'>): string[] {
  return ['build', '-trimpath', '-tags', KUBE_TREE_TAGS.join(','), '-ldflags', b.ldflags, ...(b.extraArgs ?? []), '-o', b.out, ...b.packages];
}

/**
 * The environment of that build: no cgo, the tree's toolchain, the work folder, and `modFile` (see
 * scratchModFile) where the tree needs one.
 */
export function treeBuildEnv(toolchain: { value?: string }, tmpDir: string, modFile?: string): Record<string, string> {
  return { CGO_ENABLED: '0', TMPDIR: tmpDir, ...(toolchain.value ? { GOTOOLCHAIN: toolchain.value } : {}), ...(modFile ? { GOFLAGS: `-mod=mod -modfile=${modFile}` } : {}) };
}

/**
 * A copy of the tree's go.mod and go.sum in `tmpDir` for Go to build with, where the tree's own
 * would not do (vendorWithoutCode): 1.24's staging modules come from the module proxy and require
 * each other at v0.24.17 where the release's go.mod says v0.0.0, so Go must update the requirements
 * (its replace directives keep every staging module in the tree). It updates the copy; the release's
 * go.mod stays as tagged and the tree clean. Undefined for every other tree.
 */
export function scratchModFile(tree: string, tmpDir: string): string | undefined {
  if (!vendorWithoutCode(tree)) return undefined;
  mkdirSync(tmpDir, { recursive: true });
  copyFileSync(join(tree, 'go.mod'), join(tmpDir, 'go.mod'));
  if (existsSync(join(tree, 'go.sum'))) copyFileSync(join(tree, 'go.sum'), join(tmpDir, 'go.sum'));
  return join(tmpDir, 'go.mod');
}

/**
 * True where Go would build the tree in vendor mode from a vendor/ folder that holds no code: a
 * checkout assembled from the module proxy keeps vendor/OWNERS, and a tree without go.work (1.24's)
 * whose go.mod says go ≥ 1.14 then defaults to -mod=vendor.
 */
export function vendorWithoutCode(tree: string): boolean {
  return existsSync(join(tree, 'vendor')) && !existsSync(join(tree, 'vendor', 'modules.txt')) && !existsSync(join(tree, 'go.work'));
}

/** Test binaries a tree build can make (`go test -c`), by the name upstream's make gives them. */
export const TREE_TEST_BINARIES: Readonly<Record<string, string>> = { 'e2e.test': './test/e2e' };
export const isTestBinary = (name: string): boolean => name in TREE_TEST_BINARIES;

/**
 * Tools a tree build can make from the tree's own module graph, by name, as the package that tree's
 * go.mod provides: the ginkgo CLI of the Ginkgo version e2e.test was compiled with (it runs specs in
 * parallel processes, as upstream's CI). Kubernetes moved to Ginkgo v2 in 1.25; 1.24's tree
 * requires github.com/onsi/ginkgo v1, whose CLI is another package.
 */
const TREE_TOOLS: Readonly<Record<string, (goMod: string | undefined) => string>> = {
  ginkgo: (goMod) => (goMod === undefined || /^\s*github\.com\/onsi\/ginkgo\/v2\s/m.test(goMod) ? 'github.com/onsi/ginkgo/v2/ginkgo' : 'github.com/onsi/ginkgo/ginkgo'),
};
export const isTreeTool = (name: string): boolean => name in TREE_TOOLS;

/** The package of tool `name` in a tree whose go.mod reads `goMod`; undefined: a current release's (pure). */
export function treeToolPackage(name: string, goMod: string | undefined): string {
  const pkg = TREE_TOOLS[name];
  if (!pkg) throw new Error(`no tree tool named ${name}`);
  return pkg(goMod);
}

/**
 * The package of tool `name` in the tree at `tree`. A tree not checked out yet (a --dry-run prints
 * the command before its worktree exists) is taken to be a current release's: Ginkgo v2.
 */
export function treeToolPackageIn(tree: string, name: string): string {
  const goMod = join(tree, 'go.mod');
  return treeToolPackage(name, existsSync(goMod) ? readFileSync(goMod, 'utf8') : undefined);
}
/** Built only from a source tree (not the module proxy's copy): test binaries and tools. */
export const needsTree = (name: string): boolean => isTestBinary(name) || isTreeTool(name);

/** `go test -c` of one test package with the same flags as the commands (so it reuses their compiled packages). */
export function treeTestArgs(b: { pkg: string; out: string; ldflags: string }): string[] {
  return ['test', '-c', '-trimpath', '-tags', KUBE_TREE_TAGS.join(','), '-ldflags', b.ldflags, '-o', b.out, b.pkg];
}

export async function buildTestInTree(b: { tree: string; name: string; out: string; ldflags: string; tmpDir: string; logFile?: string }, deps: TreeBuildDeps): Promise<void> {
  const pkg = TREE_TEST_BINARIES[b.name];
  if (!pkg) throw new Error(`no test package for ${b.name}`);
  const toolchain = treeToolchain(b.tree, deps.env);
  mkdirSync(b.tmpDir, { recursive: true });
  await deps.runner.run('go', treeTestArgs({ pkg, out: b.out, ldflags: b.ldflags }), { cwd: b.tree, env: treeBuildEnv(toolchain, b.tmpDir, scratchModFile(b.tree, b.tmpDir)), signal: deps.signal, logFile: b.logFile });
}

export async function buildInTree(b: TreeBuild, deps: TreeBuildDeps): Promise<{ toolchain: { value?: string; reason: string }; stdout: string }> {
  const toolchain = treeToolchain(b.tree, deps.env);
  mkdirSync(b.tmpDir, { recursive: true });
  const r = await deps.runner.run('go', treeBuildArgs(b), { cwd: b.tree, env: treeBuildEnv(toolchain, b.tmpDir, scratchModFile(b.tree, b.tmpDir)), signal: deps.signal, logFile: b.logFile });
  return { toolchain, stdout: r.stdout };
}
