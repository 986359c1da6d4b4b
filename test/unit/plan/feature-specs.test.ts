import { describe, expect, it } from 'vitest';
import { parseFeatureSpecs, specAt } from '../../../src/plan/feature-specs.js';

// Excerpts in the layouts of real trees: versioned specs (1.31+), one spec per gate (before), the
// gate-dependency map that follows the specs in 1.37 (no specs: not gates), and staging prefixes.
const VERSIONED = `
const (
	GRPCContainerProbeTLS featuregate.Feature = "GRPCContainerProbeTLS"
)
var defaultVersionedKubernetesFeatureGates = map[featuregate.Feature]featuregate.VersionedSpecs{
	CPUCFSQuotaPeriod: {
		{Version: version.MustParse("1.12"), Default: false, PreRelease: featuregate.Alpha},
		// see the PR for full context
		{Version: version.MustParse("1.36"), Default: true, PreRelease: featuregate.GA}, // LockToDefault in 1.37
	},

	GRPCContainerProbeTLS: {
		{Version: version.MustParse("1.37"), Default: false, PreRelease: featuregate.Alpha},
	},

	apiextensionsfeatures.CustomResourceFieldSelectors: {
		{Version: version.MustParse("1.30"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.31"), Default: true, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.32"), Default: true, LockToDefault: true, PreRelease: featuregate.GA},
	},
}

var defaultKubernetesFeatureGateDependencies = map[featuregate.Feature][]featuregate.Feature{
	GRPCContainerProbeTLS: {},
	NotAGate: {genericfeatures.Other},
}
`;
const ONE_SPEC = `
var defaultKubernetesFeatureGates = map[featuregate.Feature]featuregate.FeatureSpec{
	CronJobTimeZone:                         {Default: false, PreRelease: featuregate.Alpha},
	GRPCContainerProbe:                      {Default: true, PreRelease: featuregate.Beta},
	DynamicKubeletConfig:                    {Default: false, PreRelease: featuregate.Deprecated}, // remove in 1.26
	TokenRequest:                            {Default: true, PreRelease: featuregate.GA, LockToDefault: true},
	genericfeatures.APIListChunking:         {Default: true, PreRelease: featuregate.Beta},
}
`;
const CLIENT_GO = `
var defaultVersionedKubernetesFeatureGates = map[Feature]VersionedSpecs{
	WatchListClient: {
		{Version: version.MustParse("1.30"), Default: false, PreRelease: Beta},
	},
}
`;

describe('feature specs from source', () => {
  it('reads versioned specs: stage history, defaults, locks, staging prefixes; skips the dependency map', () => {
    const g = parseFeatureSpecs(VERSIONED);
    expect([...g.keys()].sort()).toEqual(['CPUCFSQuotaPeriod', 'CustomResourceFieldSelectors', 'GRPCContainerProbeTLS']);
    expect(g.get('CPUCFSQuotaPeriod')).toEqual([
      { since: 12, stage: 'alpha', default: false, locked: false },
      { since: 36, stage: 'ga', default: true, locked: false },
    ]);
    expect(g.get('CustomResourceFieldSelectors')?.[2]).toEqual({ since: 32, stage: 'ga', default: true, locked: true });
  });

  it('reads the one-spec layout of older trees and client-go\'s unprefixed stages', () => {
    const g = parseFeatureSpecs(ONE_SPEC, CLIENT_GO);
    expect(g.get('CronJobTimeZone')).toEqual([{ since: undefined, stage: 'alpha', default: false, locked: false }]);
    expect(g.get('DynamicKubeletConfig')?.[0]?.stage).toBe('deprecated');
    expect(g.get('TokenRequest')?.[0]).toMatchObject({ stage: 'ga', locked: true });
    expect(g.get('APIListChunking')?.[0]?.stage).toBe('beta');
    expect(g.get('WatchListClient')).toEqual([{ since: 30, stage: 'beta', default: false, locked: false }]);
  });

  it('the first file that declares a gate wins (the main tree before staging)', () => {
    const staging = 'x = map[featuregate.Feature]featuregate.VersionedSpecs{\n\tGRPCContainerProbeTLS: {\n\t\t{Version: version.MustParse("1.37"), Default: true, PreRelease: featuregate.Beta},\n\t},\n}\n';
    expect(parseFeatureSpecs(VERSIONED, staging).get('GRPCContainerProbeTLS')?.[0]?.stage).toBe('alpha');
  });

  it('specAt: the last spec at or before the minor; none before the first', () => {
    const specs = parseFeatureSpecs(VERSIONED).get('CustomResourceFieldSelectors')!;
    expect(specAt(specs, 29)).toBeUndefined();
    expect(specAt(specs, 30)?.stage).toBe('alpha');
    expect(specAt(specs, 31)).toMatchObject({ stage: 'beta', default: true });
    expect(specAt(specs, 40)).toMatchObject({ stage: 'ga', locked: true });
    expect(specAt(parseFeatureSpecs(ONE_SPEC).get('CronJobTimeZone')!, 24)?.stage).toBe('alpha');
  });
});
