// Pure: the Kubernetes version a node image will run, from what the user gave.
import semver from 'semver';
import { UsageError } from '../errors.js';
import { versionFromDescribe } from '../source/ref.js';
import { newestKnownMinor } from '../plan/gates.js';

/** kind's published node image for a released version. */
export function releasedNodeImage(version: string): string {
  return `kindest/node:${normalizeVersion(version)}`;
}

/** `1.33.1` / `v1.33.1` → `v1.33.1`; anything else is a usage error. */
export function normalizeVersion(input: string): string {
  const v = semver.valid(input.replace(/^v/, ''));
  if (!v) {
    throw new UsageError(`--k8s-version "${input}" is not a Kubernetes version`, { hint: 'example: --k8s-version v1.33.1' });
  }
  // A released version names a real release: v2.x and minors past the next one do not exist.
  const newest = newestKnownMinor();
  const { major, minor } = semver.parse(v)!;
  if (major !== 1 || minor > newest + 1) {
    throw new UsageError(`--k8s-version ${input} is not a Kubernetes release: the newest kindlab knows of is 1.${newest}${major === 1 ? ` (1.${newest + 1} may be out)` : ''}`, {
      hint: 'name a released version (e.g. v1.33.1); for a commit that is not released, pass it as a ref (kindlab test <ref> --kube-root <checkout>)',
    });
  }
  return `v${v}`;
}

/** Best guess from an image tag such as kindest/node:v1.33.1 or kindlab/node:v1.34.0-rc.0-12-gabc. */
export function versionFromImage(image: string): string | undefined {
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
  return versionFromDescribe(tag);
}

/** A released version (v1.37.2, v1.38.0-rc.1): kind may publish kindest/node for it; a dev build not. */
export function isReleaseVersion(version: string): boolean {
  return /^v?\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?$/.test(version);
}

/**
 * Whether a node image built at `git describe` output `describe` runs exactly Kubernetes `version`
 * (a component's gitVersion, e.g. from `kube-apiserver --version`). Kubernetes turns the describe
 * `v1.37.2-12-gabcdef0` into the gitVersion `v1.37.2-12+abcdef0…`; anything else must be equal.
 */
export function describeIsVersion(describe: string, version: string): boolean {
  const dirty = /-dirty(-[0-9a-f]+)?$/;
  if ((dirty.exec(describe)?.[0] ?? '') !== (dirty.exec(version)?.[0] ?? '')) return false;
  const d = describe.replace(/^v/, '').replace(dirty, '');
  const v = version.replace(/^v/, '').replace(dirty, '');
  if (d === v) return true;
  const dm = /^(.+)-(\d+)-g([0-9a-f]{7,40})$/.exec(d);
  const vm = /^(.+)-(\d+)\+([0-9a-f]{7,40})$/.exec(v);
  if (!dm || !vm || dm[1] !== vm[1] || dm[2] !== vm[2]) return false;
  const [a, b] = [dm[3]!, vm[3]!];
  return a.startsWith(b) || b.startsWith(a);
}
