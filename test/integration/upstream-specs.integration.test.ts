// Upstream specs listed by the real e2e.test of v1.37.2 (built by the lab from the release's tree:
// `npm run lab -- --kube-root <tree> --components e2e.test`, which lab/node/build.sh runs), through
// `kindlab plan`: no cluster is contacted, the binary answers which specs a selector picks.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labCacheRoot } from '../../src/lab/cache.js';
import { kindlab } from '../helpers/env.js';

const binary = join(labCacheRoot(), 'k8s-v1.37.2', 'bin', 'e2e.test');
const home = mkdtempSync(join(tmpdir(), 'kl-home-'));

interface PlanJson {
  clusters: Array<{ scenarios: string[]; profile: { featureGates: Record<string, boolean> } }>;
  notes: string[];
}
function plan(selector: string): { code: number; json?: PlanJson; stderr: string } {
  if (!existsSync(binary)) throw new Error(`no e2e.test of v1.37.2 at ${binary}: run bash lab/node/build.sh (it builds it from the lab's checkout)`);
  const r = kindlab(['plan', '--k8s-version', 'v1.37.2', selector, '-o', 'json'], { KINDLAB_HOME: home });
  return { code: r.code, json: r.code === 0 ? (JSON.parse(r.stdout) as PlanJson) : undefined, stderr: r.stderr };
}
/** The spec lines of the plan's notes (two-space indented under the selection's note). */
const specLines = (p: PlanJson): string[] => p.notes.filter((n) => n.startsWith('  ')).map((n) => n.trim());

describe('upstream specs of the real e2e.test v1.37.2', () => {
  it('a label filter on an alpha gate: its specs, and the gate planned on', () => {
    const r = plan('e2e:label=FeatureGate:GRPCContainerProbeTLS');
    expect(r.code, r.stderr).toBe(0);
    const specs = specLines(r.json!);
    expect(specs.length).toBeGreaterThan(0);
    for (const s of specs) expect(s).toMatch(/\[FeatureGate:GRPCContainerProbeTLS\].*\(test\/e2e\/[\w/]+\.go:\d+\)$/);
    expect(r.json!.clusters.map((c) => c.profile.featureGates)).toEqual([{ GRPCContainerProbeTLS: true }]);
  });

  it('the focus of the two GRPC liveness Conformance specs selects them (and the TLS specs of the same file)', () => {
    const r = plan('e2e:should (\\*not\\* )?be restarted with a GRPC liveness probe');
    expect(r.code, r.stderr).toBe(0);
    const specs = specLines(r.json!);
    expect(specs.filter((s) => /\[Conformance\]/.test(s))).toHaveLength(2);
    expect(specs.every((s) => s.includes('test/e2e/common/node/container_probe.go'))).toBe(true);
  });

  it('the three ServiceAccounts specs of the issue, exactly', () => {
    const r = plan('e2e:\\[sig-auth\\] ServiceAccounts (should mount projected service account token|should create a serviceAccountToken and ensure a successful TokenReview|no secret-based service account token should be auto-generated)');
    expect(r.code, r.stderr).toBe(0);
    expect(specLines(r.json!)).toHaveLength(3);
  });

  it('every ValidatingAdmissionPolicy spec comes from its file', () => {
    const r = plan('e2e:\\[sig-api-machinery\\] ValidatingAdmissionPolicy');
    expect(r.code, r.stderr).toBe(0);
    const specs = specLines(r.json!);
    expect(specs.length).toBeGreaterThan(3);
    expect(specs.every((s) => s.includes('test/e2e/apimachinery/validatingadmissionpolicy.go'))).toBe(true);
  });

  it('a selector that picks nothing is exit 2 naming the nearest', () => {
    const focus = plan('e2e:should be restarted with a gRPC livenes probe over TSL');
    expect(focus.code).toBe(2);
    expect(focus.stderr).toMatch(/selects none of the \d+ specs of e2e.test v1.37.2/);
    expect(focus.stderr).toMatch(/nearest specs: ".*GRPC liveness probe/);
    const label = plan('e2e:label=FeatureGate:GRPCContainerProbeTSL');
    expect(label.code).toBe(2);
    expect(label.stderr).toContain('nearest labels: "FeatureGate:GRPCContainerProbeTLS"');
  });
});
