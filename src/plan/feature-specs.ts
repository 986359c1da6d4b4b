// Feature-gate specs as a Kubernetes tree declares them: the maps of pkg/features/kube_features.go
// and the staging kube_features.go files. Since 1.31 each gate carries its history
// (`{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Alpha}`, one line
// per stage); before that one spec describes the tree's own version (`{Default: false, PreRelease:
// featuregate.Alpha}`). These are the components' own tables, so they are the authority on a gate's
// stage and default at the version or commit they come from; src/plan/gates.ts keeps the facts the
// source does not carry.
//
// Read with line patterns, not a Go parser: the maps are gofmt'ed literals with one spec per line
// (or one per gate), the layout every release since 1.10 uses.
import type { Stage } from './gates.js';

export interface FeatureSpec {
  /** Minor (1.<since>) from which this spec applies; undefined in trees before versioned specs. */
  since?: number;
  stage: Stage;
  default: boolean;
  locked: boolean;
}

/**
 * Gate name → its specs in source order; with `dependencies` where the tree declares them (1.34+:
 * a gate may be on only when the gates it depends on are, which the components check at start).
 */
export type SourceGates = ReadonlyMap<string, readonly FeatureSpec[]> & { readonly dependencies?: ReadonlyMap<string, readonly string[]> };

const STAGES: Record<string, Stage> = { Alpha: 'alpha', Beta: 'beta', GA: 'ga', Deprecated: 'deprecated' };

function specOf(body: string): FeatureSpec | undefined {
  const pre = /PreRelease:\s*(?:featuregate\.)?(Alpha|Beta|GA|Deprecated)\b/.exec(body)?.[1];
  const def = /Default:\s*(true|false)\b/.exec(body)?.[1];
  if (!pre || !def) return undefined;
  const since = /Version:\s*version\.MustParse\("(\d+)\.(\d+)"\)/.exec(body);
  return {
    since: since ? Number(since[2]) : undefined,
    stage: STAGES[pre]!,
    default: def === 'true',
    locked: /LockToDefault:\s*true\b/.test(body),
  };
}

// `Name: {` or `pkgfeatures.Name: {` opening a gate's versioned specs
const OPEN = /^\s*(?:[a-z][A-Za-z0-9]*\.)?([A-Z][A-Za-z0-9]*):\s*\{\s*(?:\/\/.*)?$/;
// `Name: {Default: …, PreRelease: …},` (one spec, pre-1.31 layout)
const ONE_LINE = /^\s*(?:[a-z][A-Za-z0-9]*\.)?([A-Z][A-Za-z0-9]*):\s*(\{.*\}),?\s*(?:\/\/.*)?$/;
const SPEC_LINE = /^\s*(\{.*\}),?\s*(?:\/\/.*)?$/;
const CLOSE = /^\s*\},?\s*(?:\/\/.*)?$/;

// `var defaultKubernetesFeatureGateDependencies = map[featuregate.Feature][]featuregate.Feature{`
const DEPS_OPEN = /FeatureGateDependencies\s*=\s*map\[/;
// `Name: {A, pkg.B},`
const DEPS_LINE = /^\s*(?:[a-z][A-Za-z0-9]*\.)?([A-Z][A-Za-z0-9]*):\s*\{([^}]*)\},?\s*(?:\/\/.*)?$/;

/** Gate → the gates it depends on, from the dependency maps of these Go sources (empty before 1.34). */
export function parseFeatureDependencies(...goSources: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const src of goSources) {
    let inside = false;
    for (const line of src.split('\n')) {
      if (!inside) {
        inside = DEPS_OPEN.test(line);
        continue;
      }
      if (/^\}/.test(line)) {
        inside = false;
        continue;
      }
      const m = DEPS_LINE.exec(line);
      if (!m || out.has(m[1]!)) continue;
      const deps = m[2]!.split(',').map((d) => d.trim().replace(/^[a-z][A-Za-z0-9]*\./, '')).filter(Boolean);
      out.set(m[1]!, deps);
    }
  }
  return out;
}

/** Every gate with at least one spec in these Go sources; the first file that declares a gate wins. */
export function parseFeatureSpecs(...goSources: string[]): Map<string, FeatureSpec[]> & { dependencies: Map<string, string[]> } {
  const out = Object.assign(new Map<string, FeatureSpec[]>(), { dependencies: parseFeatureDependencies(...goSources) });
  for (const src of goSources) {
    const here = new Map<string, FeatureSpec[]>();
    let open: string | undefined;
    for (const line of src.split('\n')) {
      if (open) {
        const spec = SPEC_LINE.exec(line) ? specOf(line) : undefined;
        if (spec) here.get(open)!.push(spec);
        else if (CLOSE.test(line)) open = undefined;
        continue;
      }
      const one = ONE_LINE.exec(line);
      if (one) {
        const spec = specOf(one[2]!);
        if (spec && !here.has(one[1]!)) here.set(one[1]!, [spec]);
        continue;
      }
      const o = OPEN.exec(line);
      if (o && !here.has(o[1]!)) {
        here.set(o[1]!, []);
        open = o[1];
      }
    }
    for (const [name, specs] of here) if (specs.length && !out.has(name)) out.set(name, specs);
  }
  return out;
}

/**
 * A gate's spec at 1.<minor>: the last one whose `since` is ≤ minor (versioned trees), or the
 * tree's single spec. Undefined when the gate only appears after that minor.
 */
export function specAt(specs: readonly FeatureSpec[], minor: number): FeatureSpec | undefined {
  let at: FeatureSpec | undefined;
  for (const s of specs) if (s.since === undefined || s.since <= minor) at = s;
  return at;
}
