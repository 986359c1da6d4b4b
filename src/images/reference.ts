// Pure rules for image references and the registry API paths that ask for them. No processes.
//
// An image archive written by `docker save` names its images the way docker prints them: a
// reference on the default registry loses its domain ("org/app:1.0", "app:1.0" for the library
// namespace), every other reference keeps it ("some.registry/org/app:1.0"). Requests arrive as
// (host, repository path, tag or digest). These functions decide which supplied reference answers
// which request without kindlab naming any registry host itself.

export interface ImageRef {
  /** The registry domain when the reference names one ("host.tld", "host:5000", "localhost"). */
  domain?: string;
  /** The repository path without the domain ("org/app"). */
  path: string;
  tag?: string;
  digest?: string;
}

/** Whether the first component of a reference is a registry domain (docker's rule). */
function isDomain(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let domain: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0 && isDomain(rest.slice(0, slash))) {
    domain = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { domain, path: rest, tag, digest };
}

export function formatImageRef(r: ImageRef): string {
  return `${r.domain ? `${r.domain}/` : ''}${r.path}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** A registry API request: `GET|HEAD /v2/<name>/(manifests|blobs)/<reference>`, or the `/v2/` ping. */
export type RegistryRequest =
  | { kind: 'ping' }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'other' };

export function parseRegistryPath(urlPath: string): RegistryRequest {
  const path = urlPath.split('?')[0] ?? '';
  if (path === '/v2' || path === '/v2/') return { kind: 'ping' };
  const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
  if (!m) return { kind: 'other' };
  const [, name = '', what, reference = ''] = m;
  return what === 'manifests' ? { kind: 'manifest', name, reference } : { kind: 'blob', name, digest: reference };
}

/**
 * Whether a supplied reference (as an archive or the local daemon names it) answers a request
 * for `name:tag` on `host`. A reference with a domain answers only its own host. A reference
 * without one (docker dropped the default registry's domain) answers its path on any host, and
 * "app" also answers "library/app", the library namespace docker hides.
 */
export function answers(supplied: string, host: string, name: string, tag: string): boolean {
  const s = parseImageRef(supplied);
  if ((s.tag ?? 'latest') !== tag) return false;
  if (s.domain) return s.domain === host && s.path === name;
  return s.path === name || `library/${s.path}` === name;
}

/** How a request is written back as a reference in messages: "host/name:tag". */
export function requestedRef(host: string, name: string, reference: string): string {
  return reference.startsWith('sha256:') ? `${host}/${name}@${reference}` : `${host}/${name}:${reference}`;
}
