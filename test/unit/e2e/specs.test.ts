import { describe, expect, it } from 'vitest';
import { selectedOrExplain, dryRunArgs } from '../../../src/e2e/list-specs.js';
import { parseE2eSelector } from '../../../src/e2e/selector.js';
import { nearestLabels, nearestSpecs, parseDryRunReport, specNeeds } from '../../../src/e2e/specs.js';
import { UsageError } from '../../../src/errors.js';

// The shape of Ginkgo v2's JSON report of a dry run (types.Report / types.SpecReport), trimmed.
const spec = (containers: string[], leaf: string, labels: string[], state: string, line: number, containerLabels: string[][] = []) => ({
  LeafNodeType: 'It',
  ContainerHierarchyTexts: containers,
  LeafNodeText: leaf,
  LeafNodeLabels: labels,
  ContainerHierarchyLabels: containerLabels,
  LeafNodeLocation: { FileName: '/root/go/pkg/mod/k8s.io/kubernetes@v1.37.2/test/e2e/common/node/container_probe.go', LineNumber: line },
  State: state,
});
const report = JSON.stringify([
  {
    SpecReports: [
      { LeafNodeType: 'SynchronizedBeforeSuite', State: 'passed' },
      spec(['[sig-node] Probing container'], 'should *not* be restarted with a GRPC liveness probe [NodeConformance] [Conformance]', ['Conformance', 'NodeConformance'], 'passed', 529, [['sig-node']]),
      spec(['[sig-node] Probing container', '[FeatureGate:GRPCContainerProbeTLS]'], 'should be restarted with a GRPC liveness probe over TLS [Alpha] [Feature:OffByDefault]', ['FeatureGate:GRPCContainerProbeTLS', 'Alpha', 'Feature:OffByDefault'], 'passed', 700, [['sig-node']]),
      spec(['[sig-apps] StatefulSet'], 'should do a rolling update [Serial]', ['Serial', 'Feature:StatefulSetStartOrdinal'], 'skipped', 90, [['sig-apps']]),
    ],
  },
]);

describe('upstream spec lists from a Ginkgo dry run', () => {
  const specs = parseDryRunReport(report);

  it('keeps the It nodes with full names, labels (containers included) and locations', () => {
    expect(specs).toHaveLength(3);
    expect(specs[1]).toEqual({
      name: '[sig-node] Probing container [FeatureGate:GRPCContainerProbeTLS] should be restarted with a GRPC liveness probe over TLS [Alpha] [Feature:OffByDefault]',
      labels: ['sig-node', 'FeatureGate:GRPCContainerProbeTLS', 'Alpha', 'Feature:OffByDefault'],
      location: 'test/e2e/common/node/container_probe.go:700',
      selected: true,
    });
    expect(specs.map((s) => s.selected)).toEqual([true, true, false]);
  });

  it('derives needs from labels: gates, Serial, environment features (not OffByDefault)', () => {
    expect(specNeeds(specs)).toEqual({ gates: ['GRPCContainerProbeTLS'], serial: 1, disruptive: 0, features: ['StatefulSetStartOrdinal'], providerOnly: 0 });
  });

  it('a selector that selects nothing is a usage error naming the nearest specs or labels', () => {
    const none = specs.map((s) => ({ ...s, selected: false }));
    let err: unknown;
    try {
      selectedOrExplain(parseE2eSelector('e2e:GRPC liveness probe restarted xyz'), none, 'v1.37.2');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toBe('e2e:GRPC liveness probe restarted xyz selects none of the 3 specs of e2e.test v1.37.2');
    expect((err as UsageError).hint).toMatch(/^nearest specs: "\[sig-node\] Probing container should \*not\* be restarted/);
    expect(() => selectedOrExplain(parseE2eSelector('e2e:label=FeatureGate:GRPCContainerProbeTSL'), none, 'v1.37.2')).toThrow(UsageError);
    expect(nearestLabels(specs, 'FeatureGate:GRPCContainerProbeTSL')).toEqual(['FeatureGate:GRPCContainerProbeTLS']);
    expect(nearestSpecs(specs, 'nothing in common')).toEqual([]);
    expect(selectedOrExplain(parseE2eSelector('e2e:GRPC'), specs, 'v1.37.2')).toHaveLength(2);
  });

  it('asks the binary with the selector verbatim', () => {
    expect(dryRunArgs(parseE2eSelector('e2e:label=FeatureGate:X && !Serial'), '/t/s.json')).toEqual([
      '--ginkgo.dry-run',
      '--ginkgo.json-report=/t/s.json',
      '--ginkgo.no-color',
        '--ginkgo.label-filter=FeatureGate:X && !Serial',
    ]);
  });
});

describe('upstream selection ids in Kubernetes names', () => {
  it('keeps scenario ids, folds e2e: ids into a DNS label with a hash that tells them apart', async () => {
    const { kubeSafeId, namespaceFor } = await import('../../../src/scenario/runner.js');
    expect(kubeSafeId('grpc-probe')).toBe('grpc-probe');
    const a = kubeSafeId('e2e:\\[sig-auth\\] ServiceAccounts should mount');
    const b = kubeSafeId('e2e:\\[sig-auth\\] ServiceAccounts should mount.*');
    expect(a).toMatch(/^e2e-sig-auth-serviceaccounts-s-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    const ns = namespaceFor('e2e:label=FeatureGate:GRPCContainerProbeTLS', 'abc123');
    expect(ns).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(ns.length).toBeLessThanOrEqual(63);
  });
});
