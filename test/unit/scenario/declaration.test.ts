import { describe, expect, it } from 'vitest';
import { declarationProblems } from '../../../src/scenario/declaration.js';
import { validateScenario } from '../../../src/scenario/loader.js';
import type { ScenarioMeta } from '../../../src/scenario/types.js';

const base: ScenarioMeta = { id: 'x', title: 'X' };
const problems = (extra: Record<string, unknown>): string[] => declarationProblems({ ...base, ...extra } as Partial<ScenarioMeta>);

describe('scenario declarations', () => {
  it('accepts every field used well', () => {
    expect(
      problems({
        kep: 127,
        tags: ['1.25', 'sig-node'],
        versions: '>=1.24 <1.40',
        timeoutSeconds: 120,
        requires: {
          needs: 'node',
          feature: { gate: 'UserNamespacesSupport', components: ['kubelet'] },
          workers: 0,
          host: { kernel: '6.3', cgroup: '2', runtime: { containerd: '2.0' } },
          perVersion: [
            { versions: '1.25 - 1.27', featureGates: { UserNamespacesStatelessPodsSupport: true } },
            { stage: ['beta', 'ga'], apiVersion: 'admissionregistration.k8s.io/v1beta1', files: [{ name: 'a.yaml', content: '' }] },
            { versions: '>=1.40', skip: 'withdrawn' },
          ],
        },
      }),
    ).toEqual([]);
  });
  it('names each wrong field and what it should be', () => {
    expect(problems({ versions: '>=banana' })).toEqual([`versions: must be a semver range of Kubernetes versions (e.g. '>=1.24' or '1.26 - 1.29'), got ">=banana"`]);
    expect(problems({ requires: { needs: 'nodez' } })).toEqual([`requires.needs: must be 'api' or 'node', got "nodez"`]);
    expect(problems({ requires: { workers: -1 } })).toEqual(['requires.workers: must be a whole number ≥ 0, got -1']);
    expect(problems({ timeoutSeconds: -5 })).toEqual(['timeoutSeconds: must be a positive whole number of seconds, got -5']);
    expect(problems({ timeoutSeconds: 0 })[0]).toMatch(/^timeoutSeconds:/);
    expect(problems({ kep: '3140' })[0]).toMatch(/^kep: must be a KEP number/);
    expect(problems({ tags: 'sig-auth' })[0]).toMatch(/^tags: must be a list/);
    expect(problems({ requires: { feature: 'not a gate' } })[0]).toMatch(/^requires.feature: must name a feature gate/);
    expect(problems({ requires: { featureGates: { Foo: 'true' } } })).toEqual(['requires.featureGates.Foo: must be true or false (or { value, components }), got "true"']);
    expect(problems({ requires: { host: { cgroup: 2 } } })[0]).toMatch(/^requires.host.cgroup: must be '1' or '2', got 2/);
    expect(problems({ requires: { files: [{ name: '../etc/passwd', content: '' }] } })[0]).toMatch(/^requires.files: .*plain file names/);
    expect(problems({ requires: { perVersion: [{ versions: '>=1.30', workers: 1.5 }] } })).toEqual(['requires.perVersion[0].workers: must be a whole number ≥ 0, got 1.5']);
    expect(problems({ requires: { perVersion: [{ stage: 'gamma' }] } })).toEqual([
      'requires.perVersion[0].stage: must be one of alpha, beta, ga, deprecated, got "gamma"',
      'requires.perVersion[0].stage: a stage needs requires.feature (the gate whose stage it is)',
    ]);
    expect(problems({ requires: { perVersion: [{ note: 'always' }] } })[0]).toMatch(/needs versions or stage/);
  });
  it('the loader refuses such a file, naming the file and every field', () => {
    const bad = { ...base, versions: '>=banana', requires: { needs: 'nodez' }, run: async () => {} };
    expect(() => validateScenario(bad, '/x/bad.ts')).toThrow(/\/x\/bad.ts: scenario x declares 2 wrong fields:\n  versions: .*\n  requires.needs: /);
  });
});
