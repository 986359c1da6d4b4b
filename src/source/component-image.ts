// A Kubernetes component image made from a binary, the way the go builder packs them for a node
// image and `kindlab reload` for a running cluster: the API server, controller manager and
// scheduler are static binaries on an empty root; kube-proxy runs iptables/nft, so it sits on a
// base image that has them. The image lives in the local daemon only while `use` runs: tagging
// goes through the daemon, and a tag the user already had for that reference is put back after.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Docker } from '../docker/docker.js';
import type { ProcessRunner } from '../exec/runner.js';

export interface ComponentImage {
  component: string;
  /** The reference to tag it as (kubeadm's, e.g. registry.k8s.io/kube-apiserver:v1.37.2). */
  ref: string;
  binary: string;
  /** Scratch folder (the root file system is assembled under it). */
  workDir: string;
  /** kube-proxy only: the image with iptables/nft it is layered on. */
  kubeProxyBase?: string;
}

export async function withComponentImage<T>(i: ComponentImage, deps: { docker: Docker; runner: ProcessRunner; signal?: AbortSignal }, use: () => Promise<T>): Promise<T> {
  const { docker, runner, signal } = deps;
  const before = await docker.imageInfo(i.ref);
  try {
    if (i.component === 'kube-proxy') {
      if (!i.kubeProxyBase) throw new Error('a kube-proxy image needs the base image with iptables');
      await docker.deriveImage(i.kubeProxyBase, i.ref, { files: [{ from: i.binary, to: '/usr/local/bin/kube-proxy' }], changes: ['ENTRYPOINT []', 'CMD []'] });
    } else {
      const rootfs = join(i.workDir, `rootfs-${i.component}`);
      mkdirSync(join(rootfs, 'usr/local/bin'), { recursive: true });
      mkdirSync(join(rootfs, 'etc'), { recursive: true });
      mkdirSync(join(rootfs, 'tmp'), { recursive: true, mode: 0o1777 });
      copyFileSync(i.binary, join(rootfs, 'usr/local/bin', i.component));
      writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n');
      const layer = join(i.workDir, `rootfs-${i.component}.tar`);
      const tar = await import('tar');
      await tar.c({ file: layer, cwd: rootfs, portable: true }, ['usr', 'etc', 'tmp']);
      await runner.run('docker', ['import', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', layer, i.ref], { signal });
      rmSync(rootfs, { recursive: true, force: true });
      rmSync(layer, { force: true });
    }
    return await use();
  } finally {
    await docker.removeImage(i.ref);
    if (before) await runner.run('docker', ['tag', before.id, i.ref], { allowFailure: true });
  }
}

/** Several component images at once (each put back as `withComponentImage` does). */
export function withComponentImages<T>(images: readonly ComponentImage[], deps: { docker: Docker; runner: ProcessRunner; signal?: AbortSignal }, use: () => Promise<T>): Promise<T> {
  const [first, ...rest] = images;
  return first ? withComponentImage(first, deps, () => withComponentImages(rest, deps, use)) : use();
}
