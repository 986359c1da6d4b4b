// Upstream specs as the test binary reports them: Ginkgo's JSON report of a dry run
// (`e2e.test --ginkgo.dry-run --ginkgo.json-report=<file> <filters>`), where every spec of the
// suite appears, "passed" if the filters select it and "skipped" if not. Pure: parsing, the needs
// a spec's labels imply, and the nearest names when a selector picks nothing.
import { distance } from '../plan/gates.js';

export interface UpstreamSpec {
  /** Ginkgo's full name: the container texts and the leaf text, space-joined (what a focus matches). */
  name: string;
  labels: string[];
  /** file:line of the It. */
  location: string;
  selected: boolean;
}

interface GinkgoSpecReport {
  LeafNodeType?: string;
  LeafNodeText?: string;
  ContainerHierarchyTexts?: string[] | null;
  LeafNodeLabels?: string[] | null;
  ContainerHierarchyLabels?: Array<string[] | null> | null;
  LeafNodeLocation?: { FileName?: string; LineNumber?: number };
  State?: string;
}

/** The specs (It nodes) of a Ginkgo JSON report; suite set-up nodes are left out. */
export function parseDryRunReport(json: string): UpstreamSpec[] {
  const reports = JSON.parse(json) as Array<{ SpecReports?: GinkgoSpecReport[] | null }>;
  const out: UpstreamSpec[] = [];
  for (const r of reports) {
    for (const s of r.SpecReports ?? []) {
      if (s.LeafNodeType !== 'It') continue;
      const labels = [...new Set([...(s.ContainerHierarchyLabels ?? []).flatMap((l) => l ?? []), ...(s.LeafNodeLabels ?? [])])];
      const file = (s.LeafNodeLocation?.FileName ?? '').replace(/^.*?\/(test\/e2e\/)/, '$1');
      out.push({
        name: [...(s.ContainerHierarchyTexts ?? []), s.LeafNodeText ?? ''].join(' '),
        labels,
        location: `${file}:${s.LeafNodeLocation?.LineNumber ?? 0}`,
        selected: s.State === 'passed',
      });
    }
  }
  return out;
}

/** What the selected specs need from a cluster, read from their labels and names. */
export interface SpecNeeds {
  /** FeatureGate:X labels (the framework adds dependencies of X as labels too). */
  gates: string[];
  serial: number;
  disruptive: number;
  /** [Feature:X] needs kindlab has no fact for (kept as written). */
  features: string[];
  /** Specs that Ginkgo runs only for named providers ([Provider:…] in the name). */
  providerOnly: number;
}

export function specNeeds(specs: readonly UpstreamSpec[]): SpecNeeds {
  const gates = new Set<string>();
  const features = new Set<string>();
  let serial = 0;
  let disruptive = 0;
  let providerOnly = 0;
  for (const s of specs) {
    for (const l of s.labels) {
      const g = /^FeatureGate:(.+)$/.exec(l);
      if (g) gates.add(g[1]!);
      const f = /^Feature:(.+)$/.exec(l);
      // OffByDefault says a gate is off by default, which planning the gate on answers
      if (f && f[1] !== 'OffByDefault') features.add(f[1]!);
    }
    if (s.labels.includes('Serial')) serial++;
    if (s.labels.includes('Disruptive')) disruptive++;
    if (/\[Provider:[^\]]+\]/.test(s.name)) providerOnly++;
  }
  return { gates: [...gates].sort(), serial, disruptive, features: [...features].sort(), providerOnly };
}

/** Spec names nearest to a focus that selected nothing: most shared words, then shortest. */
export function nearestSpecs(specs: readonly UpstreamSpec[], focus: string, n = 3): string[] {
  const words = (s: string): string[] => s.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2);
  const want = new Set(words(focus));
  return specs
    .map((s) => ({ name: s.name, score: words(s.name).filter((w) => want.has(w)).length }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.name.length - b.name.length)
    .slice(0, n)
    .map((x) => x.name);
}

/** Labels of the suite nearest to one a filter names and no spec carries. */
export function nearestLabels(specs: readonly UpstreamSpec[], label: string, n = 3): string[] {
  const all = new Set(specs.flatMap((s) => s.labels));
  const lower = label.toLowerCase();
  return [...all]
    .map((l) => ({ l, d: distance(lower, l.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(label.length / 4)))
    .sort((a, b) => a.d - b.d || a.l.localeCompare(b.l))
    .slice(0, n)
    .map((x) => x.l);
}
