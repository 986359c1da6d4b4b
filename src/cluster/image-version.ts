// Pure: the Kubernetes version a node image will run, from what the user gave.
import semver from 'semver';
import { UsageError } from '../errors.js';
import { versionFromDescribe } from '../source/ref.js';

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
  return `v${v}`;
}

/** Best guess from an image tag such as kindest/node:v1.33.1 or kindlab/node:v1.34.0-rc.0-12-gabc. */
export function versionFromImage(image: string): string | undefined {
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
  return versionFromDescribe(tag);
}
