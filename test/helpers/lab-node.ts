// The lab's node ingredients (lab/node/build.sh): a kind-compatible base image, a folder of image
// archives kind's build needs, and a Kubernetes checkout assembled from the Go module proxy. The
// real-kind tier reads them from the KEY=VALUE file build.sh writes; it skips with the reason when
// they were not built (CI builds them, so nothing is skipped there).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface LabNode {
  baseImage: string;
  imagesDir: string;
  kubeRoot: string;
  version: string;
}

export function labNodeEnvFile(): string {
  const cache = process.env.KINDLAB_LAB_CACHE ?? join(homedir(), '.cache/kindlab/lab');
  return process.env.KINDLAB_LAB_NODE_ENV ?? join(cache, 'node', 'lab-node.env');
}

export function readLabNode(): LabNode | string {
  const file = labNodeEnvFile();
  if (!existsSync(file)) return `the lab's node ingredients are not built (${file} missing): run bash lab/node/build.sh`;
  return parseLabNode(readFileSync(file, 'utf8'), file);
}

/** lab/node/build.sh's summary (KEY=VALUE lines, from its stdout or the file CI keeps), or what it lacks. */
export function parseLabNode(text: string, from = 'lab/node/build.sh'): LabNode | string {
  const kv = Object.fromEntries(
    text
      .split('\n')
      .map((l) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => Boolean(m))
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string | undefined>;
  const { BASE_IMAGE, IMAGES_DIR, KUBE_ROOT, K8S_VERSION } = kv;
  if (!BASE_IMAGE || !IMAGES_DIR || !KUBE_ROOT) return `${from} lacks BASE_IMAGE, IMAGES_DIR or KUBE_ROOT`;
  return { baseImage: BASE_IMAGE, imagesDir: IMAGES_DIR, kubeRoot: KUBE_ROOT, version: K8S_VERSION ?? 'v1.37.2' };
}
