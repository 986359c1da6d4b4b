// Pure: what each entry of `matrix --versions` names. `v1.30.14` is a released version (the lab's
// binaries of it when built, else kind's published node image), `lab:v1.28.15` insists on the
// lab's binaries, anything else is a ref in the Kubernetes checkout.
import { UsageError } from '../errors.js';
import { normalizeVersion } from '../cluster/image-version.js';

export type VersionEntry = { label: string; kind: 'release'; version: string } | { label: string; kind: 'lab'; version: string } | { label: string; kind: 'ref'; ref: string };

const RELEASE = /^v?\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?$/;

export function parseVersionList(text: string | undefined): VersionEntry[] {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError('--versions needs at least one version', { hint: 'e.g. --versions v1.24.17,v1.28.15,lab:v1.37.2 (released versions, lab builds, refs)' });
  // Two spellings of one version (v1.30.14 and 1.30.14) would be two identical columns.
  const seen = new Map<string, string>();
  const once = (key: string, label: string): void => {
    const other = seen.get(key);
    if (other !== undefined) throw new UsageError(other === label ? `--versions names ${label} twice` : `--versions names one version twice: ${other} and ${label}`, { hint: 'each version once' });
    seen.set(key, label);
  };
  return items.map((label): VersionEntry => {
    if (label.startsWith('lab:')) {
      const v = label.slice(4);
      if (!RELEASE.test(v)) throw new UsageError(`--versions ${label}: a lab build is named by its release, e.g. lab:v1.28.15`);
      const version = normalizeVersion(v.startsWith('v') ? v : `v${v}`);
      once(`lab:${version}`, label);
      return { label, kind: 'lab', version };
    }
    if (RELEASE.test(label)) {
      const version = normalizeVersion(label.startsWith('v') ? label : `v${label}`);
      once(version, label);
      return { label, kind: 'release', version };
    }
    once(`ref:${label}`, label);
    if (/[\s,]/.test(label) || label.startsWith('-')) throw new UsageError(`--versions: "${label}" is neither a version nor a ref`);
    return { label, kind: 'ref', ref: label };
  });
}
