// `kindlab build --builder go`: compiles the node and control-plane binaries in the worktree
// with the Go the checkout pins (the Go build cache makes the next commit incremental), packs
// the control-plane images, and writes the server tarball `kind build node-image --type file`
// reads. kind then assembles the node image itself.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { withComponentImage } from './component-image.js';
import { join } from 'node:path';
import { Docker } from '../docker/docker.js';
import type { ProcessRunner } from '../exec/runner.js';
import type { Phases } from '../util/phases.js';
import { versionLdflags } from './kube-version.js';
import { buildInTree, treeToolchain } from './go-build.js';
import { componentImageRefs, GO_BUILT, IMAGE_COMPONENTS, NODE_BINARIES, TARBALL, type ImageComponent } from './release-layout.js';

export interface GoBuildInput {
  worktree: string;
  /** Scratch folder for this build; removed by the caller. */
  workDir: string;
  gitVersion: string;
  commit: string;
  dirty: boolean;
  /** kube-proxy needs iptables/nftables userspace: its image is this image plus the binary. */
  kubeProxyBase: string;
  logFile: string;
}

export interface GoBuildDeps {
  runner: ProcessRunner;
  phases: Phases;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** --dry-run: print the go build, skip what needs its output. */
  dryRun?: boolean;
}

/** Builds everything and returns the path of the server tarball. */
export async function buildServerTarball(i: GoBuildInput, deps: GoBuildDeps): Promise<string> {
  const { runner, phases, signal } = deps;
  const root = join(i.workDir, 'tarball');
  const binDir = join(root, TARBALL.binDir);
  const goOut = join(i.workDir, 'go-bin');
  if (!deps.dryRun) {
    mkdirSync(binDir, { recursive: true });
    mkdirSync(goOut, { recursive: true });
    mkdirSync(join(i.workDir, 'tmp'), { recursive: true });
  }

  const ldflags = ['-s', '-w', ...versionLdflags({ gitVersion: i.gitVersion, gitCommit: i.commit, treeState: i.dirty ? 'dirty' : 'clean', buildDate: new Date().toISOString().replace(/\.\d+Z$/, 'Z') })].join(' ');
  const toolchain = treeToolchain(i.worktree, deps.env);
  await phases.run(`go build ${GO_BUILT.length} binaries with ${toolchain.reason}`, () =>
    // Go's work folder under the build folder: a killed go build leaves it behind (GBs).
    buildInTree({ tree: i.worktree, packages: GO_BUILT.map((c) => `./cmd/${c}`), out: goOut + '/', ldflags, tmpDir: join(i.workDir, 'tmp'), logFile: i.logFile }, { runner, env: deps.env, signal }),
  );

  const tarball = join(i.workDir, 'kubernetes-server-linux-amd64.tar.gz');
  if (deps.dryRun) {
    phases.note(`then: images named by \`kubeadm config images list --kubernetes-version ${i.gitVersion}\` (kube-proxy on ${i.kubeProxyBase}), and ${tarball}`);
    return tarball;
  }
  const images = await runner.run(join(goOut, 'kubeadm'), ['config', 'images', 'list', '--kubernetes-version', i.gitVersion], { signal });
  const refs = componentImageRefs(images.stdout);
  const docker = new Docker(runner, signal);
  await phases.run(`pack ${IMAGE_COMPONENTS.join(', ')} images`, async () => {
    for (const c of IMAGE_COMPONENTS) await packImage(c, refs[c], join(goOut, c), join(binDir, `${c}.tar`), i, docker, runner, signal);
  });

  await phases.run('write server tarball', async () => {
    for (const b of NODE_BINARIES) copyFileSync(join(goOut, b), join(binDir, b));
    writeFileSync(join(root, TARBALL.version), `${i.gitVersion}\n`);
    const tar = await import('tar');
    // Level 1: the tarball is read once, a moment later, on this machine.
    await tar.c({ file: tarball, cwd: root, gzip: { level: 1 }, portable: true }, ['kubernetes']);
  });
  rmSync(goOut, { recursive: true, force: true });
  return tarball;
}

/** One component image as `docker save` writes it, tagged with the reference kubeadm will look for. */
async function packImage(c: ImageComponent, ref: string, binary: string, out: string, i: GoBuildInput, docker: Docker, runner: ProcessRunner, signal?: AbortSignal): Promise<void> {
  await withComponentImage({ component: c, ref, binary, workDir: i.workDir, kubeProxyBase: i.kubeProxyBase }, { docker, runner, signal }, () => docker.saveImage(ref, out));
}
