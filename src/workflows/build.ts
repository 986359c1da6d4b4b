// `kindlab build`: a node image from a Kubernetes ref (or, with components, the control-plane
// binaries the local provider runs; with test binaries, upstream's e2e.test, ginkgo and kubectl),
// cached by commit.
import { resolve } from 'node:path';
import type { AppEnv } from '../app/env.js';
import { buildDeps, phasesOf } from '../app/env.js';
import { UsageError } from '../errors.js';
import { chooseKubeRoot } from '../source/kube-root.js';
import { buildComponents } from '../source/build-components.js';
import { buildNodeImage } from '../source/build-image.js';
import { buildTestBinaries } from '../source/build-test-binaries.js';

export interface BuildRequest {
  ref: string;
  kubeRoot?: string;
  force?: boolean;
  /** Control-plane binaries instead of a node image. */
  components?: boolean;
  etcd?: string;
  /** The upstream test binaries (e2e.test, ginkgo, kubectl) instead of a node image. */
  testBinaries?: boolean;
  builder?: string;
  baseImage?: string;
  images?: string[];
  kindVersion?: string;
}

export type BuildOutcome = { kind: 'components' | 'test-binaries'; binDir: string; result: unknown } | { kind: 'node-image'; image: string; result: unknown };

export async function buildWorkflow(app: AppEnv, req: BuildRequest): Promise<BuildOutcome> {
  const phases = phasesOf(app);
  const kubeRoot = chooseKubeRoot(req.kubeRoot, app.env, app.cwd);
  if (req.components && req.testBinaries) throw new UsageError('give --components or --test-binaries, not both (each is its own build)');
  if (req.testBinaries) {
    if (req.etcd) throw new UsageError('--etcd only applies with --components');
    const result = await buildTestBinaries({ kubeRoot, ref: req.ref, force: req.force }, buildDeps(app, phases));
    return { kind: 'test-binaries', binDir: result.binDir, result };
  }
  if (req.components) {
    const result = await buildComponents({ kubeRoot, ref: req.ref, force: req.force, etcd: req.etcd }, buildDeps(app, phases));
    return { kind: 'components', binDir: result.binDir, result };
  }
  if (req.etcd) throw new UsageError('--etcd only applies with --components');
  if (req.builder && !['go', 'source'].includes(req.builder)) {
    throw new UsageError(`--builder ${req.builder} is not a builder`, { hint: 'use --builder go (default) or --builder source' });
  }
  if (req.kindVersion && !app.dryRun) throw new UsageError('--kind-version only applies with --dry-run (a real build uses the installed kind)');
  const result = await buildNodeImage(
    {
      kubeRoot,
      ref: req.ref,
      force: req.force,
      builder: req.builder as 'go' | 'source' | undefined,
      baseImage: req.baseImage,
      images: req.images?.map((p) => resolve(app.cwd, p)),
      kindVersion: req.kindVersion?.replace(/^v/, ''),
    },
    buildDeps(app, phases),
  );
  return { kind: 'node-image', image: result.image, result };
}
