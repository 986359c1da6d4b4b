// Pure: a kubeadm static pod manifest pointed at another image, and the reference kubeadm gives a
// component image of a version (its tag rule: "+" is not allowed in a tag and becomes "_").
import { parseDocument } from 'yaml';

/** The image reference of `component` at `version`, in the repository the manifest uses now. */
export function componentImage(currentImage: string, version: string): string {
  const repo = currentImage.includes('@') ? currentImage.slice(0, currentImage.indexOf('@')) : currentImage.replace(/:[^/:]+$/, '');
  return `${repo}:${version.replace(/\+/g, '_')}`;
}

/** The image of the manifest's one container (kubeadm writes one per static pod). */
export function manifestImage(manifest: string): string {
  return imageOf(parseDocument(manifest));
}

function imageOf(doc: ReturnType<typeof parseDocument>): string {
  const image = doc.getIn(['spec', 'containers', 0, 'image']);
  if (typeof image !== 'string') throw new Error('static pod manifest without spec.containers[0].image');
  return image;
}

/**
 * The same manifest with another image: the kubelet restarts a static pod only when its manifest
 * changes, and a new image reference is that change. Everything else (flags, mounts, probes) is kept.
 */
export function withImage(manifest: string, image: string): string {
  const doc = parseDocument(manifest);
  imageOf(doc);
  doc.setIn(['spec', 'containers', 0, 'image'], image);
  // kubeadm writes sequences unindented; so does this, so a diff of the two shows only the image
  return doc.toString({ indentSeq: false });
}

/**
 * Where the component says it is ready, from its own probe in the manifest (readiness, else
 * startup, else liveness; a named port resolved through the container's ports). kubeadm probes
 * over HTTPS with the component's own certificate: callers skip verification, as the kubelet does.
 */
export function readinessUrl(manifest: string): string {
  const doc = parseDocument(manifest);
  const container = doc.getIn(['spec', 'containers', 0]);
  const c = (container && typeof container === 'object' && 'toJSON' in container ? (container as { toJSON(): unknown }).toJSON() : {}) as ProbedContainer;
  const probe = c.readinessProbe ?? c.startupProbe ?? c.livenessProbe;
  const get = probe?.httpGet;
  if (!get) throw new Error('static pod manifest without an httpGet probe');
  const port = typeof get.port === 'number' ? get.port : (c.ports?.find((p) => p.name === get.port)?.containerPort ?? Number(get.port));
  if (!Number.isInteger(port)) throw new Error(`static pod probe port ${String(get.port)} is not a port of the container`);
  return `${(get.scheme ?? 'HTTP').toLowerCase()}://${get.host ?? '127.0.0.1'}:${port}${get.path ?? '/'}`;
}

interface ProbedContainer {
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  livenessProbe?: Probe;
}
interface Probe {
  httpGet?: { host?: string; path?: string; port: number | string; scheme?: string };
}
