// Pure: what a kind cluster needs from kindlab because of the host it runs on, given the
// Kubernetes version. Each entry says why, so the note kindlab prints is the reason itself.
import semver from 'semver';

export interface HostFacts {
  /** The cgroup version of the host docker runs containers on. */
  cgroupVersion?: '1' | '2';
}

export interface HostAdjustment {
  /** KubeletConfiguration fields to set on every node. */
  kubelet: Record<string, unknown>;
  /** One line per adjustment, for the user. */
  notes: string[];
}

/**
 * From Kubernetes 1.35 kubelet refuses to start on a cgroup v1 host unless
 * `failCgroupV1: false` (KEP-5573); kind does not set it, so kindlab does.
 */
export function hostAdjustments(kubernetesVersion: string | undefined, host: HostFacts): HostAdjustment {
  const out: HostAdjustment = { kubelet: {}, notes: [] };
  const v = kubernetesVersion ? semver.coerce(kubernetesVersion) : null;
  if (host.cgroupVersion === '1' && v && semver.gte(v, '1.35.0')) {
    out.kubelet.failCgroupV1 = false;
    out.notes.push(`cgroup v1 host and Kubernetes ${v.major}.${v.minor} (≥ 1.35 refuses cgroup v1 by default, KEP-5573): kindlab sets the kubelet's failCgroupV1: false`);
  }
  return out;
}
