// `kindlab build --components`: builds kube-apiserver, kube-controller-manager and kube-scheduler
// from the checkout at a ref (in a detached worktree, with the checkout's own go.mod), stamps
// their version, and finds an etcd to go with them. The result feeds `up --provider local`.
import { chmodSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { BuildRequest } from './build-image.js';
import { buildAtRef, type RefBuild, type RefBuildDeps, type RefBuildResult } from './build-at-ref.js';
import { buildInTree } from './go-build.js';

export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

export interface ComponentsRequest extends BuildRequest {
  /** An etcd binary to use instead of searching PATH and third_party/etcd. */
  etcd?: string;
}

export interface ComponentsResult extends RefBuildResult {
  etcd: string;
}

const CONTROL_PLANE: RefBuild = {
  kind: 'components',
  outputs: COMPONENTS,
  compile: (b, deps) =>
    deps.phases.run(`go build ${COMPONENTS.join(', ')} with ${b.toolchain}`, async () => {
      await buildInTree({ tree: b.tree, packages: COMPONENTS.map((c) => `./cmd/${c}`), out: b.binDir + '/', ldflags: b.ldflags, tmpDir: b.tmpDir, logFile: b.logFile }, deps);
    }),
};

export async function buildComponents(req: ComponentsRequest, deps: RefBuildDeps): Promise<ComponentsResult> {
  // etcd first: a missing one must not cost a checkout and a Go build
  const etcd = await findEtcd(req, deps.env);
  const built = await buildAtRef(req, CONTROL_PLANE, deps);
  if (!deps.dryRun) linkEtcd(etcd, built.binDir);
  return { ...built, etcd };
}

/** etcd from --etcd, else PATH, else the checkout's third_party/etcd (hack/install-etcd.sh puts it there). */
export async function findEtcd(req: ComponentsRequest, env: NodeJS.ProcessEnv): Promise<string> {
  if (req.etcd) {
    if (!existsSync(req.etcd)) throw new EnvironmentError(`--etcd ${req.etcd} does not exist`);
    return req.etcd;
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, 'etcd');
    if (existsSync(p)) return p;
  }
  const thirdParty = join(req.kubeRoot.path, 'third_party', 'etcd', 'etcd');
  if (existsSync(thirdParty)) return thirdParty;
  throw new EnvironmentError('no etcd found for the local control plane', {
    hint: 'pass --etcd /path/to/etcd, put etcd on PATH, run hack/install-etcd.sh in the checkout (third_party/etcd), or use the etcd that `npm run lab` builds',
  });
}

function linkEtcd(etcd: string, binDir: string): void {
  const target = join(binDir, 'etcd');
  if (etcd === target) return;
  rmSync(target, { force: true });
  copyFileSync(etcd, target);
  chmodSync(target, 0o755);
}
