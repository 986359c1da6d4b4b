// Which node image a kind cluster of a given Kubernetes version is created from, when the run's
// version came from binaries (the lab, --bin-dir) rather than from an image: a node image kindlab
// built of exactly that version (state store record, still present in docker), else kind's
// published kindest/node:<version> if it is already in the local docker daemon (nothing is pulled).
// None: an error that says which image is missing and how to get one, before anything is created.
import { EnvironmentError } from '../errors.js';
import type { Docker } from '../docker/docker.js';
import { LABEL_DESCRIBE } from '../docker/labels.js';
import type { StateStore } from '../state/store.js';
import { describeIsVersion, isReleaseVersion, releasedNodeImage } from './image-version.js';

export interface NodeImageChoice {
  image: string;
  /** How it was chosen, for the plan and the run header. */
  source: string;
}

export async function findNodeImage(version: string, store: StateStore, docker: Pick<Docker, 'imageInfo'>): Promise<NodeImageChoice | undefined> {
  const built = store
    .listImages()
    .filter((r) => r.kind === 'node-image' && describeIsVersion(r.describe, version))
    .sort((a, b) => b.builtAt.localeCompare(a.builtAt));
  for (const rec of built) {
    const info = await docker.imageInfo(rec.tag);
    if (!info) continue; // removed from docker behind kindlab's back
    const label = info.labels[LABEL_DESCRIBE];
    if (label !== undefined && label !== rec.describe) continue; // the tag now names another image
    return { image: rec.tag, source: `built by kindlab from ${rec.commit.slice(0, 12)} (${rec.describe})` };
  }
  if (isReleaseVersion(version)) {
    const published = releasedNodeImage(version);
    if (await docker.imageInfo(published)) return { image: published, source: "kind's published image, present in docker" };
  }
  return undefined;
}

export interface MissingImage {
  /** The version the kind clusters need, e.g. v1.37.2. */
  version: string;
  /** Set when the lookup itself failed (docker not reachable). */
  lookupError?: string;
}

/** The error for kind clusters that have no node image of the run's version. */
export function missingNodeImageError(m: MissingImage, clusters: ReadonlyArray<{ name: string; scenarios: readonly string[] }>): EnvironmentError {
  const v = m.version.startsWith('v') ? m.version : `v${m.version}`;
  const who =
    clusters.length === 1
      ? `the kind cluster ${clusters[0]!.name} (for ${clusters[0]!.scenarios.join(', ')}) needs`
      : `the kind clusters ${clusters.map((c) => c.name).join(', ')} (for ${clusters.flatMap((c) => c.scenarios).join(', ')}) need`;
  const why = m.lookupError
    ? `kindlab could not look for one (${m.lookupError})`
    : isReleaseVersion(v)
      ? `none was built by kindlab and ${releasedNodeImage(v)} is not present`
      : `none was built by kindlab (kind publishes no image of a development version)`;
  const ref = isReleaseVersion(v) ? v : '<the commit of these binaries>';
  return new EnvironmentError(`${who} a node image of ${v}: ${why}`, {
    hint: `build one with \`kindlab build ${ref} --kube-root <checkout>\`, or pass --image, or --provider local to run only the API-level scenarios`,
  });
}
