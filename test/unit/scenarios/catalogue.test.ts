// The scenario catalogue as data: every file loads, ids are the fixed catalogue, and each declaration
// is well-formed (semver range, needs, gates, files referenced by flags). Runs no cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { featureGateOf, requirementProblems, resolveRequirements } from '../../../src/plan/requirements.js';
import type { Scenario, VersionedRequirements } from '../../../src/scenario/types.js';

const dir = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.startsWith('_'));

async function load(): Promise<Array<{ file: string; scenario: Scenario }>> {
  return Promise.all(
    files.map(async (file) => ({
      file,
      scenario: ((await import(/* @vite-ignore */ pathToFileURL(join(dir, file)).href)) as { default: Scenario }).default,
    })),
  );
}

// id → KEP (undefined: no KEP), from DESIGN.md's catalogue.
const CATALOGUE: Record<string, number | undefined> = {
  'runtime-not-docker': 2221,
  'dynamic-kubelet-config-removed': 281,
  'job-tracking-finalizer': 2307,
  'beta-apis-off-by-default': 3136,
  'sa-token-no-autogen': 2799,
  'create-token': undefined,
  'grpc-probe': 2727,
  'cronjob-timezone': 3140,
  'statefulset-max-unavailable': 961,
  'kubelet-oom-metric': undefined,
  'kubectl-subresource': 2590,
  'etcd-version': undefined,
  'exec-websockets': 4006,
  'portforward-websockets': 4006,
  'structured-authn-config': 3331,
  'user-namespaces': 127,
  'validating-admission-policy': 3488,
  'mutating-admission-policy': 3962,
  'in-place-pod-resize': 1287,
  'sidecar-containers': 753,
  'pdb-unhealthy-pod-eviction': 3017,
  'pod-level-resources': 2837,
  'node-log-query': 2258,
  'container-checkpoint': 2008,
  'multi-cluster-cidr': 2593,
};

describe('scenario catalogue', () => {
  it('has exactly one file per catalogue id, named after the id', async () => {
    const all = await load();
    expect(all.map((s) => s.scenario.id).sort()).toEqual(Object.keys(CATALOGUE).sort());
    for (const { file, scenario } of all) expect(file).toBe(`${scenario.id}.ts`);
  });

  it('has no scenario for the KEPs that never shipped (3101, 3162)', async () => {
    const keps = (await load()).map((s) => s.scenario.kep);
    expect(keps).not.toContain(3101);
    expect(keps).not.toContain(3162);
  });

  it('gives each scenario its KEP, a title, a description and a valid version range', async () => {
    for (const { scenario: s } of await load()) {
      expect(s.kep, s.id).toBe(CATALOGUE[s.id]);
      expect(s.title.length, s.id).toBeGreaterThan(10);
      expect((s.description ?? '').length, s.id).toBeGreaterThan(80);
      expect(semver.validRange(s.versions ?? ''), `${s.id}: versions ${s.versions}`).not.toBeNull();
      expect(['api', 'node'], s.id).toContain(s.requires?.needs);
      expect(typeof s.run, s.id).toBe('function');
    }
  });

  it('declares needs the planner can read (feature in the gate table, entries with a range or a stage)', async () => {
    for (const { scenario: s } of await load()) expect(requirementProblems(s), s.id).toEqual([]);
  });

  it('declares feature gates by their real (PascalCase) names and runtime config as group/version', async () => {
    for (const { scenario: s } of await load()) {
      const blocks: VersionedRequirements[] = [s.requires ?? {}, ...(s.requires?.perVersion ?? [])];
      const feature = featureGateOf(s);
      if (feature) expect(feature.gate, s.id).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      for (const b of blocks) {
        for (const [gate, v] of Object.entries(b.featureGates ?? {})) {
          expect(gate, s.id).toMatch(/^[A-Z][A-Za-z0-9]+$/);
          expect(typeof v === 'boolean' ? v : v.value, `${s.id}: ${gate}`).toBe(true);
        }
        for (const [gv, v] of Object.entries(b.runtimeConfig ?? {})) {
          expect(gv, s.id).toMatch(/^[a-z0-9.-]+\/v\d+((alpha|beta)\d+)?$/);
          expect(v, s.id).toBe('true');
        }
        if (b.apiVersion) expect(b.apiVersion, s.id).toMatch(/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/);
      }
    }
  });

  it('declares, at every version, every file that an API-server flag refers to', async () => {
    for (const { scenario: s } of await load()) {
      for (let m = 22; m <= 40; m++) {
        const r = resolveRequirements(s, { version: `1.${m}.0` });
        if (!r.ok) continue;
        const names = new Set(r.requirements.files.map((f) => f.name));
        for (const value of Object.values(r.requirements.apiServerFlags)) {
          for (const x of value.matchAll(/\$\{KINDLAB_FILES\}\/([^,\s]+)/g)) expect(names.has(x[1]!), `${s.id} at 1.${m}: ${x[1]}`).toBe(true);
        }
      }
    }
  });

  it('keeps node-only features behind needs: node and API-level ones on needs: api', async () => {
    const needs = Object.fromEntries((await load()).map(({ scenario: s }) => [s.id, s.requires?.needs]));
    for (const id of ['runtime-not-docker', 'kubelet-oom-metric', 'user-namespaces', 'node-log-query', 'container-checkpoint']) {
      expect(needs[id], id).toBe('node');
    }
    for (const id of ['grpc-probe', 'statefulset-max-unavailable', 'sidecar-containers', 'in-place-pod-resize', 'exec-websockets', 'portforward-websockets']) {
      expect(needs[id], `${id} has an API part and runs its node part only where pods run`).toBe('api');
    }
  });

  it('marks, in every scenario whose feature has a gate, the steps that assert it (a counter-proof must fail in one)', async () => {
    const unmarked: string[] = [];
    for (const { file, scenario } of await load()) {
      if (!featureGateOf(scenario) || scenario.counterProof?.notPossible) continue;
      if (!/ctx\.featureStep\(/.test(readFileSync(join(dir, file), 'utf8'))) unmarked.push(scenario.id);
    }
    expect(unmarked).toEqual([]);
  });
});
