// Pure: the checks on a scenario's declaration (everything but run()). A wrong field would
// otherwise be planned silently — '>=banana' skipped forever, needs: 'nodez' run as API-only — so
// each problem names its field, and the loader refuses the file.
import semver from 'semver';
import type { RequirementEntry, ScenarioMeta } from './types.js';

const STAGES = ['alpha', 'beta', 'ga', 'deprecated'];
const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
const json = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** Every problem of a declaration, each as `<field>: <what is wrong>`; empty when it is sound. */
export function declarationProblems(s: Partial<ScenarioMeta>): string[] {
  const out: string[] = [];
  const bad = (field: string, what: string): void => void out.push(`${field}: ${what}`);
  if (typeof s.title !== 'string' || !s.title.trim()) bad('title', `must be a non-empty string, got ${json(s.title)}`);
  if (s.kep !== undefined && !isPositiveInt(s.kep)) bad('kep', `must be a KEP number (a positive whole number), got ${json(s.kep)}`);
  if (s.tags !== undefined && (!Array.isArray(s.tags) || s.tags.some((t) => typeof t !== 'string' || !t))) bad('tags', `must be a list of non-empty strings, got ${json(s.tags)}`);
  if (s.versions !== undefined) checkRange('versions', s.versions, bad);
  if (s.timeoutSeconds !== undefined && !isPositiveInt(s.timeoutSeconds)) bad('timeoutSeconds', `must be a positive whole number of seconds, got ${json(s.timeoutSeconds)}`);
  if (s.description !== undefined && typeof s.description !== 'string') bad('description', `must be a string, got ${json(s.description)}`);
  const r = s.requires as unknown;
  if (r === undefined) return out;
  if (!isRecord(r)) return [...out, `requires: must be an object, got ${json(r)}`];
  if (r.needs !== undefined && r.needs !== 'api' && r.needs !== 'node') bad('requires.needs', `must be 'api' or 'node', got ${json(r.needs)}`);
  if (r.nodePart !== undefined && (typeof r.nodePart !== 'string' || !r.nodePart.trim())) bad('requires.nodePart', 'must say what the node part shows, as a string');
  if (r.nodePart !== undefined && r.needs === 'node') bad('requires.nodePart', "is for API-level scenarios (needs: 'api'); a scenario that needs nodes has no part without them");
  if (r.apiServerReachesHostLoopback !== undefined && typeof r.apiServerReachesHostLoopback !== 'string') bad('requires.apiServerReachesHostLoopback', 'must say why, as a string');
  if (r.feature !== undefined) {
    const f = r.feature;
    const gate = typeof f === 'string' ? f : isRecord(f) ? f.gate : undefined;
    if (typeof gate !== 'string' || !/^[A-Z][A-Za-z0-9]+$/.test(gate)) bad('requires.feature', `must name a feature gate (e.g. 'UserNamespacesSupport'), got ${json(f)}`);
    if (isRecord(f) && f.components !== undefined) checkComponents('requires.feature.components', f.components, bad);
  }
  checkVersioned('requires', r, bad);
  if (r.perVersion !== undefined) {
    if (!Array.isArray(r.perVersion)) bad('requires.perVersion', `must be a list, got ${json(r.perVersion)}`);
    else
      r.perVersion.forEach((e: unknown, i: number) => {
        const at = `requires.perVersion[${i}]`;
        if (!isRecord(e)) return bad(at, `must be an object, got ${json(e)}`);
        const entry = e as RequirementEntry;
        if (entry.versions === undefined && entry.stage === undefined) bad(at, 'needs versions or stage (else it matches every target: put those needs in requires itself)');
        if (entry.versions !== undefined) checkRange(`${at}.versions`, entry.versions, bad);
        if (entry.stage !== undefined) {
          const stages = Array.isArray(entry.stage) ? entry.stage : [entry.stage];
          for (const st of stages) if (!STAGES.includes(st as string)) bad(`${at}.stage`, `must be one of ${STAGES.join(', ')}, got ${json(st)}`);
          if (r.feature === undefined) bad(`${at}.stage`, 'a stage needs requires.feature (the gate whose stage it is)');
        }
        if (entry.skip !== undefined && (typeof entry.skip !== 'string' || !entry.skip)) bad(`${at}.skip`, 'must be the reason, as a string');
        checkVersioned(at, e, bad);
      });
  }
  return out;
}

function checkRange(field: string, v: unknown, bad: (f: string, w: string) => void): void {
  if (typeof v !== 'string' || semver.validRange(v) === null) bad(field, `must be a semver range of Kubernetes versions (e.g. '>=1.24' or '1.26 - 1.29'), got ${json(v)}`);
}

function checkComponents(field: string, v: unknown, bad: (f: string, w: string) => void): void {
  if (!Array.isArray(v) || v.some((c) => !COMPONENTS.includes(c as string))) bad(field, `must list components among ${COMPONENTS.join(', ')}, got ${json(v)}`);
}

function checkVersioned(at: string, v: Record<string, unknown>, bad: (f: string, w: string) => void): void {
  if (v.featureGates !== undefined) {
    if (!isRecord(v.featureGates)) bad(`${at}.featureGates`, `must map gate names to true/false, got ${json(v.featureGates)}`);
    else
      for (const [name, want] of Object.entries(v.featureGates)) {
        const value = isRecord(want) ? want.value : want;
        if (typeof value !== 'boolean') bad(`${at}.featureGates.${name}`, `must be true or false (or { value, components }), got ${json(want)}`);
        if (isRecord(want) && want.components !== undefined) checkComponents(`${at}.featureGates.${name}.components`, want.components, bad);
      }
  }
  for (const key of ['runtimeConfig', 'apiServerFlags', 'controllerManagerFlags'] as const) {
    const m = v[key];
    if (m !== undefined && (!isRecord(m) || Object.values(m).some((x) => typeof x !== 'string'))) bad(`${at}.${key}`, `must map names to string values, got ${json(m)}`);
  }
  if (v.workers !== undefined && !(typeof v.workers === 'number' && Number.isInteger(v.workers) && v.workers >= 0)) bad(`${at}.workers`, `must be a whole number ≥ 0, got ${json(v.workers)}`);
  // A content getter is not called here: it may make material (keys) that only a plan of this scenario needs.
  const contentOk = (f: Record<string, unknown>): boolean => typeof Object.getOwnPropertyDescriptor(f, 'content')?.get === 'function' || typeof f.content === 'string';
  if (v.files !== undefined && (!Array.isArray(v.files) || v.files.some((f) => !isRecord(f) || typeof f.name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(f.name) || !contentOk(f)))) {
    bad(`${at}.files`, 'must be a list of { name, content } with plain file names (no folders)');
  }
  if (v.images !== undefined && (!Array.isArray(v.images) || v.images.some((x) => typeof x !== 'string' || !x))) bad(`${at}.images`, `must be a list of image references, got ${json(v.images)}`);
  if (v.kubelet !== undefined && !isRecord(v.kubelet)) bad(`${at}.kubelet`, `must be an object of KubeletConfiguration fields, got ${json(v.kubelet)}`);
  if (v.apiVersion !== undefined && (typeof v.apiVersion !== 'string' || !/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(v.apiVersion))) bad(`${at}.apiVersion`, `must be a group/version like 'admissionregistration.k8s.io/v1beta1', got ${json(v.apiVersion)}`);
  if (v.host !== undefined) {
    const h = v.host as unknown;
    if (!isRecord(h)) bad(`${at}.host`, `must be an object, got ${json(h)}`);
    else {
      if (h.kernel !== undefined && (typeof h.kernel !== 'string' || !/^\d+\.\d+(\.\d+)?$/.test(h.kernel))) bad(`${at}.host.kernel`, `must be a kernel version like '6.3', got ${json(h.kernel)}`);
      if (h.cgroup !== undefined && h.cgroup !== '1' && h.cgroup !== '2') bad(`${at}.host.cgroup`, `must be '1' or '2', got ${json(h.cgroup)}`);
      if (h.runtime !== undefined && (!isRecord(h.runtime) || Object.values(h.runtime).some((x) => typeof x !== 'string' || !semver.coerce(x)))) bad(`${at}.host.runtime`, `must map runtime names to minimum versions, got ${json(h.runtime)}`);
    }
  }
}
