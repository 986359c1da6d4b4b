// Pure: what a Kubernetes server tarball for `kind build node-image --type file` holds, which
// binaries the go builder compiles, and which image each control-plane component is tagged as.

/** Copied into the node by kind. */
export const NODE_BINARIES = ['kubeadm', 'kubelet', 'kubectl'] as const;
/** Packed as image archives (`<name>.tar`) that kind imports into the node's containerd. */
export const IMAGE_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy'] as const;
export type ImageComponent = (typeof IMAGE_COMPONENTS)[number];
export const GO_BUILT = [...NODE_BINARIES, ...IMAGE_COMPONENTS] as const;

/** Paths inside the tarball, relative to its root (kind reads exactly these). */
export const TARBALL = {
  version: 'kubernetes/version',
  binDir: 'kubernetes/server/bin',
} as const;

/**
 * The reference each component image must carry, from `kubeadm config images list` of the same
 * build: kubeadm is what later looks for them, so it names them (repository and tag rules
 * included, e.g. "+" in a version becomes "_").
 */
export function componentImageRefs(kubeadmImagesList: string): Record<ImageComponent, string> {
  const lines = kubeadmImagesList.split('\n').map((l) => l.trim()).filter(Boolean);
  const out: Partial<Record<ImageComponent, string>> = {};
  for (const c of IMAGE_COMPONENTS) {
    const line = lines.find((l) => new RegExp(`/${c}(-[a-z0-9]+)?:[^/]+$`).test(l));
    if (line) out[c] = line;
  }
  const missing = IMAGE_COMPONENTS.filter((c) => !out[c]);
  if (missing.length) throw new Error(`kubeadm config images list did not name ${missing.join(', ')}:\n${kubeadmImagesList}`);
  return out as Record<ImageComponent, string>;
}

/**
 * GOTOOLCHAIN for a checkout: the Go its `.go-version` pins (Kubernetes ≥ 1.26 has one), so the
 * build uses the compiler upstream uses and the Go build cache is reused across commits that pin
 * the same one. An override (KINDLAB_GOTOOLCHAIN, e.g. "local") wins.
 */
export function goToolchain(goVersionFile: string | undefined, override?: string): { value?: string; reason: string } {
  if (override) return { value: override, reason: `KINDLAB_GOTOOLCHAIN=${override}` };
  const v = goVersionFile?.trim();
  if (v && /^\d+\.\d+(\.\d+)?$/.test(v)) return { value: `go${v}`, reason: `go${v} (the checkout's .go-version)` };
  return { reason: 'the local go (the checkout pins no Go version)' };
}
