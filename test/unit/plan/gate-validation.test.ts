// Gates a user types (up --feature-gates, featureGates of a --config) are checked against the
// target version before anything is pulled or created: a typo gets the right name, a removed gate
// says when, a GA gate cannot be set false. The CLI runs in memory; with --k8s-version no process
// is needed to know the target.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { kindConfigFeatureGates, validateFeatureGates } from '../../../src/cluster/flags.js';
import { UsageError } from '../../../src/errors.js';
import { checkGates } from '../../../src/plan/gates.js';
import { sourceGatesOf } from '../../helpers/source-gates.js';

async function capture(argv: string[], cwd?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { io: { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false }, env: { KINDLAB_HOME: '/nonexistent-kindlab-home', PATH: '/nonexistent' }, cwd });
  return { code, out, err };
}

describe('checkGates', () => {
  const at30 = { minor: 30, patch: 0, description: 'v1.30.0' };
  it('suggests the right name for a typo, with or without a version', () => {
    expect(checkGates({ CronJobTimezone: true }, at30).problems).toEqual(['unknown feature gate CronJobTimezone (did you mean CronJobTimeZone?)']);
    expect(checkGates({ UserNamespaceSupport: true }, { description: "kind's default node image" }).problems).toEqual([
      'unknown feature gate UserNamespaceSupport (did you mean UserNamespacesSupport?)',
    ]);
  });

  it('says when a gate was removed, or when it appears', () => {
    expect(checkGates({ CronJobTimeZone: true }, at30).problems).toEqual([
      'CronJobTimeZone went GA in 1.27 and was removed in 1.29: the feature is always on, the gate name is refused; drop it',
    ]);
    expect(checkGates({ DynamicKubeletConfig: false }, at30).problems).toEqual([
      'DynamicKubeletConfig was removed in 1.26 without graduating (components refuse it: unrecognized feature gate); drop it',
    ]);
    expect(checkGates({ PodLevelResources: true }, at30).problems).toEqual(['PodLevelResources does not exist yet in 1.30 (it appears as alpha in 1.32)']);
  });

  it('refuses false for a GA gate that is locked on, and accepts true', () => {
    expect(checkGates({ SidecarContainers: false }, { minor: 33, description: 'v1.33.1' }).problems).toEqual(['SidecarContainers is GA and locked on in 1.33: it cannot be set to false']);
    expect(checkGates({ SidecarContainers: true, MaxUnavailableStatefulSet: false }, { minor: 33, description: 'v1.33.1' })).toEqual({ problems: [], notes: [] });
  });

  it('passes gates it does not know and cannot judge, with a note', () => {
    expect(checkGates({ SomeOtherRealGate: true }, at30)).toEqual({ problems: [], notes: ["feature gate SomeOtherRealGate is not in kindlab's gate-lifecycle table; passed as given"] });
  });

  it('uses a checkout\'s gates for a ref', () => {
    const at = { minor: 38, description: 'origin/master (v1.38.0-alpha.0-5-gabc)', sourceGates: sourceGatesOf({ BrandNewThing: [[38, 'Alpha', false]], PodLevelResources: [[32, 'Alpha', false], [34, 'Beta', true]], SidecarContainers: [[28, 'Alpha', false], [33, 'GA', true, true]] }) };
    expect(checkGates({ BrandNewThing: true, PodLevelResources: false }, at).problems).toEqual([]);
    expect(checkGates({ BrandNewThign: true }, at).problems).toEqual(['BrandNewThign is not a feature gate at origin/master (v1.38.0-alpha.0-5-gabc) (did you mean BrandNewThing?)']);
    expect(checkGates({ CronJobTimeZone: true }, at).problems).toEqual([expect.stringMatching(/^CronJobTimeZone went GA in 1.27 and was removed in 1.29/)]);
    // the source's lock decides, and a gate newer than the target's minor is refused
    expect(checkGates({ SidecarContainers: false }, at).problems).toEqual(['SidecarContainers is GA and locked on in 1.38: it cannot be set to false']);
    expect(checkGates({ BrandNewThing: true }, { ...at, minor: 37 }).problems).toEqual(["BrandNewThing does not exist yet in 1.37 (the target's source has it from 1.38)"]);
  });
});

describe('validateFeatureGates', () => {
  it('throws one usage error naming each origin', () => {
    const at = { minor: 30, description: 'v1.30.0' };
    expect(() => validateFeatureGates([{ origin: '--feature-gates', gates: { CronJobTimezone: true } }], at)).toThrow(UsageError);
    const thrown = (() => {
      try {
        validateFeatureGates(
          [
            { origin: '--feature-gates', gates: { CronJobTimezone: true } },
            { origin: 'featureGates in kind.yaml', gates: { PodLevelResources: true } },
          ],
          at,
        );
        return undefined;
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(thrown).toBeInstanceOf(UsageError);
    expect(thrown!.message).toBe('2 feature gates do not fit v1.30.0');
    expect(thrown!.detail).toBe(
      '--feature-gates: unknown feature gate CronJobTimezone (did you mean CronJobTimeZone?)\nfeatureGates in kind.yaml: PodLevelResources does not exist yet in 1.30 (it appears as alpha in 1.32)',
    );
    expect(validateFeatureGates([{ origin: '--feature-gates', gates: { X: true } }], at)).toEqual(["--feature-gates: feature gate X is not in kindlab's gate-lifecycle table; passed as given"]);
  });

  it('reads featureGates of a kind config', () => {
    expect(kindConfigFeatureGates({ kind: 'Cluster', featureGates: { A: true } }, 'k.yaml')).toEqual({ A: true });
    expect(kindConfigFeatureGates({ kind: 'Cluster' }, 'k.yaml')).toEqual({});
    expect(() => kindConfigFeatureGates({ featureGates: { A: 'true' } }, 'k.yaml')).toThrow(/featureGates.A must be true or false, got "true"/);
  });
});

describe('kindlab up checks the gates before anything is created', () => {
  it('suggests the name for a typo (exit 2)', async () => {
    const r = await capture(['up', '--dry-run', '--k8s-version', 'v1.30.0', '--feature-gates', 'CronJobTimezone=true']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--feature-gates: unknown feature gate CronJobTimezone \(did you mean CronJobTimeZone\?\)/);
    expect(r.out).toBe('');
    const noVersion = await capture(['up', '--feature-gates', 'CronJobTimezone=true']);
    expect(noVersion.code).toBe(2);
    expect(noVersion.err).toMatch(/did you mean CronJobTimeZone\?/);
  });

  it('says when a gate was removed and refuses a locked GA gate set false', async () => {
    const removed = await capture(['up', '--k8s-version', 'v1.30.0', '--feature-gates', 'CronJobTimeZone=true']);
    expect(removed.code).toBe(2);
    expect(removed.err).toMatch(/CronJobTimeZone went GA in 1.27 and was removed in 1.29/);
    const locked = await capture(['up', '--k8s-version', 'v1.33.1', '--feature-gates', 'SidecarContainers=false']);
    expect(locked.code).toBe(2);
    expect(locked.err).toMatch(/SidecarContainers is GA and locked on in 1.33: it cannot be set to false/);
  });

  it('checks the featureGates of --config too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindlab-gates-'));
    writeFileSync(join(dir, 'kind.yaml'), 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nfeatureGates:\n  UserNamespaceSupport: true\n');
    const r = await capture(['up', '--dry-run', '--k8s-version', 'v1.33.1', '--config', 'kind.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/featureGates in kind.yaml: unknown feature gate UserNamespaceSupport \(did you mean UserNamespacesSupport\?\)/);
  });
});
