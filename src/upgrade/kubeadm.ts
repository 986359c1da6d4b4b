// Pure: the kubeadm commands of an upgrade and the images it needs, as kubeadm names them.

/** The image repository a kubeadm static pod image comes from: "<repo>/kube-apiserver:v1.37.1" → "<repo>". */
export function imageRepository(image: string): string {
  const name = image.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^/:]+$/, '');
  const slash = name.lastIndexOf('/');
  if (slash <= 0) throw new Error(`cannot tell the image repository of ${image}`);
  return name.slice(0, slash);
}

/** `kubeadm config images list` for the target, in the cluster's image repository. */
export function imagesListArgs(version: string, repository: string): string[] {
  return ['config', 'images', 'list', '--kubernetes-version', version, '--image-repository', repository];
}

/**
 * The first control-plane node: `kubeadm upgrade apply`, which re-validates the cluster's stored
 * ClusterConfiguration (feature gates, runtime config and extra args included) for the new version
 * and carries it into the new static pod manifests, the kubelet config and the add-ons.
 */
export function upgradeApplyArgs(version: string, o: { experimental: boolean; rebuild?: boolean; ignorePreflight?: readonly string[] }): string[] {
  return [
    'upgrade', 'apply', version, '--yes',
    ...(o.experimental ? ['--allow-experimental-upgrades'] : []),
    // kubeadm orders a rebuild of the release it runs (v1.37.2-dirty-…, a semver pre-release) before
    // that release and calls it a downgrade; it is the same release with other code, so it is forced.
    ...(o.rebuild ? ['--force'] : []),
    ...ignored(o.ignorePreflight ?? []),
  ];
}

/** Every other node: its control-plane components (if any) and its kubelet config, from the cluster's. */
export function upgradeNodeArgs(ignorePreflight: readonly string[] = []): string[] {
  return ['upgrade', 'node', ...ignored(ignorePreflight)];
}

const ignored = (checks: readonly string[]): string[] => (checks.length ? [`--ignore-preflight-errors=${checks.join(',')}`] : []);

/** What kubeadm said went wrong: its [ERROR …] lines and its final error line, else its last lines. */
export function kubeadmFailure(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').trim()).filter(Boolean);
  const said = lines.filter((l) => /^\[ERROR |^error:/.test(l));
  return (said.length ? said : lines.slice(-3)).join('; ');
}

/** The images of `required` a node's runtime does not hold (`crictl images -o json`). */
export function missingImages(required: readonly string[], crictlImagesJson: string): string[] {
  const held = new Set<string>();
  const parsed = JSON.parse(crictlImagesJson || '{}') as { images?: Array<{ repoTags?: string[] | null }> };
  for (const i of parsed.images ?? []) for (const t of i.repoTags ?? []) held.add(t);
  return required.filter((r) => !held.has(r));
}

/** Of the images kubeadm lists beside the components (etcd, CoreDNS, pause), those a node of this role runs: etcd only on control planes. */
export function imagesForRole(refs: readonly string[], role: 'control-plane' | 'worker'): string[] {
  return role === 'control-plane' ? [...refs] : refs.filter((r) => !/\/etcd:[^/]+$/.test(r));
}
