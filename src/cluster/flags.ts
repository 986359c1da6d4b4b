// Pure parsing of the profile flags users type: --feature-gates, --runtime-config, --workers,
// cluster names, and the feature gates of a --config, checked against the target version's gates.
// Every rejection says what was wrong and shows the accepted form.
import { UsageError } from '../errors.js';
import { checkGates, type GateTarget } from '../plan/gates.js';

const GATE_NAME = /^[A-Z][A-Za-z0-9]*$/;

export function parseFeatureGates(input: string | undefined): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (input === undefined || input.trim() === '') return out;
  for (const raw of input.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^([^=]+)=(.*)$/.exec(part);
    if (!m) {
      throw new UsageError(`--feature-gates: "${part}" is not NAME=true|false`, {
        hint: 'example: --feature-gates CronJobTimeZone=true,StatefulSetAutoDeletePVC=false',
      });
    }
    const name = (m[1] ?? '').trim();
    const value = (m[2] ?? '').trim().toLowerCase();
    if (!GATE_NAME.test(name)) {
      throw new UsageError(`--feature-gates: "${name}" is not a feature gate name (UpperCamelCase letters and digits)`, {
        hint: 'example: --feature-gates UserNamespacesSupport=true',
      });
    }
    if (value !== 'true' && value !== 'false') {
      throw new UsageError(`--feature-gates: ${name} must be true or false, got "${m[2]}"`);
    }
    if (name in out && out[name] !== (value === 'true')) {
      throw new UsageError(`--feature-gates: ${name} is given twice with different values`);
    }
    out[name] = value === 'true';
  }
  return out;
}

const RUNTIME_KEY = /^(api\/(all|ga|beta|alpha)|[a-z0-9][a-z0-9.-]*\/v[0-9]+((alpha|beta)[0-9]+)?(\/[a-z0-9.-]+)?|v1)$/;

export function parseRuntimeConfig(input: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (input === undefined || input.trim() === '') return out;
  for (const raw of input.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = (eq < 0 ? 'true' : part.slice(eq + 1)).trim().toLowerCase();
    if (!RUNTIME_KEY.test(key)) {
      throw new UsageError(`--runtime-config: "${key}" is not GROUP/VERSION[/RESOURCE] or api/all|ga|beta|alpha`, {
        hint: 'example: --runtime-config admissionregistration.k8s.io/v1beta1=true,api/alpha=false',
      });
    }
    if (value !== 'true' && value !== 'false') {
      throw new UsageError(`--runtime-config: ${key} must be true or false, got "${part.slice(eq + 1)}"`);
    }
    out[key] = value;
  }
  return out;
}

export function parseWorkers(input: string | undefined): number {
  if (input === undefined) return 0;
  if (!/^\d+$/.test(input.trim())) throw new UsageError(`--workers must be a whole number, got "${input}"`);
  const n = Number(input);
  if (n > 20) throw new UsageError(`--workers ${n} is more than kindlab allows on one machine (20)`);
  return n;
}

/** kind cluster names end up in container and DNS names: lower-case, digits, '-' and '.'. */
export function validateClusterName(name: string): string {
  if (!/^[a-z0-9]([a-z0-9.-]{0,48}[a-z0-9])?$/.test(name)) {
    throw new UsageError(`cluster name "${name}" is not valid`, {
      hint: 'use 1-50 lower-case letters, digits, "-" or ".", starting and ending with a letter or digit',
    });
  }
  return name;
}

/** `--wait 60s`, `--wait 2m`, `--wait 90` → seconds. */
export function parseDuration(input: string | undefined, flag: string): number | undefined {
  if (input === undefined) return undefined;
  const m = /^(\d+)(s|m|h)?$/.exec(input.trim());
  if (!m) throw new UsageError(`${flag}: "${input}" is not a duration`, { hint: `examples: ${flag} 90s, ${flag} 5m` });
  const n = Number(m[1]);
  return m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : n;
}

/** The top-level `featureGates` of a kind config (--config), each a boolean. */
export function kindConfigFeatureGates(config: unknown, path: string): Record<string, boolean> {
  const fg = config && typeof config === 'object' ? (config as Record<string, unknown>).featureGates : undefined;
  if (fg === undefined || fg === null) return {};
  if (typeof fg !== 'object' || Array.isArray(fg)) throw new UsageError(`--config ${path}: featureGates must be a map of gate name to true/false`);
  const out: Record<string, boolean> = {};
  for (const [name, value] of Object.entries(fg as Record<string, unknown>)) {
    if (typeof value !== 'boolean') throw new UsageError(`--config ${path}: featureGates.${name} must be true or false, got ${JSON.stringify(value)}`);
    out[name] = value;
  }
  return out;
}

/**
 * Feature gates the user typed, against the target's gates (kindlab's table for a released
 * version, the checkout's pkg/features for a ref), before anything is pulled, built or created.
 * Throws a UsageError listing every problem with its origin; returns notes on gates kindlab
 * cannot judge.
 */
export function validateFeatureGates(sets: ReadonlyArray<{ origin: string; gates: Record<string, boolean> }>, at: GateTarget): string[] {
  const problems: string[] = [];
  const notes: string[] = [];
  for (const { origin, gates } of sets) {
    const r = checkGates(gates, at);
    problems.push(...r.problems.map((p) => `${origin}: ${p}`));
    notes.push(...r.notes.map((n) => `${origin}: ${n}`));
  }
  if (problems.length === 1) throw new UsageError(problems[0]!, { hint: `the gates are checked against ${at.description}; fix or drop the gate` });
  if (problems.length > 1) {
    throw new UsageError(`${problems.length} feature gates do not fit ${at.description}`, {
      detail: problems.join('\n'),
      hint: 'fix or drop each gate listed',
    });
  }
  return notes;
}
