import { parseFeatureSpecs, type SourceGates } from '../../src/plan/feature-specs.js';

/** Specs for tests: name → its stages as `[since, stage, default, locked?]`, via the parser. */
export function sourceGatesOf(gates: Record<string, Array<[number, 'Alpha' | 'Beta' | 'GA' | 'Deprecated', boolean, boolean?]>>): SourceGates {
  const lines = Object.entries(gates).map(
    ([name, specs]) =>
      `\t${name}: {\n${specs.map(([since, pre, def, lock]) => `\t\t{Version: version.MustParse("1.${since}"), Default: ${def}, PreRelease: featuregate.${pre}${lock ? ', LockToDefault: true' : ''}},`).join('\n')}\n\t},`,
  );
  return parseFeatureSpecs(`var x = map[featuregate.Feature]featuregate.VersionedSpecs{\n${lines.join('\n')}\n}\n`);
}
