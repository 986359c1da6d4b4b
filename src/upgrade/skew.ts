// Pure: which upgrades kindlab performs, by the Kubernetes version skew policy
// (https://kubernetes.io/releases/version-skew-policy/) and kubeadm's upgrade rules.
import semver from 'semver';
import { UsageError } from '../errors.js';

export interface UpgradeStep {
  from: string;
  to: string;
  /** 'patch': same minor; 'minor': the next minor. */
  kind: 'patch' | 'minor' | 'rebuild';
  /**
   * kubeadm calls a version with a pre-release part (v1.37.2-dirty-…, v1.38.0-alpha.1) experimental
   * and upgrades to it only with --allow-experimental-upgrades.
   */
  experimental: boolean;
}

function parse(v: string, what: string): semver.SemVer {
  const p = semver.parse(v.replace(/^v?/, ''), { loose: true });
  if (!p) throw new UsageError(`${what} "${v}" is not a Kubernetes version (vMAJOR.MINOR.PATCH[-…])`);
  return p;
}

/**
 * The upgrade from → to, checked: kubeadm upgrades the control plane one minor at a time and never
 * down. `kubeletsStay`: the kubelets keep `from` (a skew run); the policy allows a kubelet up to
 * three minors older than the API server (two before 1.28), never newer.
 */
export function checkUpgrade(from: string, to: string, opts: { kubeletsStay?: boolean } = {}): UpgradeStep {
  const a = parse(from, 'the cluster runs');
  const b = parse(to, 'the upgrade target');
  const experimental = b.prerelease.length > 0;
  if (a.major !== b.major) throw new UsageError(`${from} → ${to} changes the major version`, { hint: 'kubeadm upgrades within one major version' });
  if (b.minor < a.minor || (b.minor === a.minor && semver.compare(b.version.replace(/-.*/, ''), a.version.replace(/-.*/, '')) < 0)) {
    throw new UsageError(`${from} → ${to} is a downgrade`, {
      hint: 'the version skew policy supports upgrades only (kubeadm refuses to go back a minor; a patch downgrade loses what the newer one wrote to etcd): create a cluster at the older version instead',
    });
  }
  if (b.minor > a.minor + 1) {
    throw new UsageError(`${from} → ${to} skips ${b.minor - a.minor - 1} minor version(s)`, {
      hint: `the version skew policy: "Skipping MINOR versions when upgrading is unsupported"; kubeadm upgrades one minor at a time: upgrade to a v${a.major}.${a.minor + 1}.x first`,
    });
  }
  if (opts.kubeletsStay) {
    const maxOlder = b.minor >= 28 ? 3 : 2;
    if (b.minor - a.minor > maxOlder) {
      throw new UsageError(`kubelets at ${from} with an API server at ${to} are ${b.minor - a.minor} minors apart`, { hint: `the version skew policy allows a kubelet at most ${maxOlder} minor versions older than kube-apiserver` });
    }
  }
  const sameRelease = a.minor === b.minor && a.patch === b.patch;
  if (sameRelease && from === to) throw new UsageError(`the cluster already runs ${to}`, { hint: 'name another ref to upgrade to' });
  return { from, to, kind: a.minor === b.minor ? (sameRelease ? 'rebuild' : 'patch') : 'minor', experimental };
}
