// Upstream selections of a run, refined by the test binary of the target: for a release, the one
// the lab builds from the release's tree (`npm run lab -- --kube-root <tree> --components
// e2e.test`, run by lab/node/build.sh); for a ref, the one built from the ref's worktree
// (src/source/build-test-binaries.ts). From it: the specs a selector picks (none is a usage
// error), the gates they carry, the images their pods run. Without a binary, `plan` plans from the
// selectors alone and says what would build it; `test` stops before creating anything, naming it.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppEnv } from '../app/env.js';
import { EnvironmentError } from '../errors.js';
import { kubeDir, labCacheRoot } from '../lab/cache.js';
import type { Scenario } from '../scenario/types.js';
import { listUpstreamSpecs, selectedOrExplain } from './list-specs.js';
import { e2ePlanItem } from './plan-item.js';
import { isE2eSelector, parseE2eSelector } from './selector.js';
import { specNeeds } from './specs.js';

/** An e2e.test, which may not exist yet, and how it comes to exist. */
export interface TestBinary {
  binary: string;
  /** The version it reports: v1.37.2, or a ref's v1.37.2-5+abc…. */
  version: string;
  /** What builds it (a command for a lab release; what the run's build does for a ref). */
  build: string;
}

/** The lab's e2e.test of a release (version without the v). */
export const labE2eBinary = (env: NodeJS.ProcessEnv, version: string): string => join(kubeDir(labCacheRoot(env), `v${version}`), 'bin', 'e2e.test');

export const labTestBinary = (env: NodeJS.ProcessEnv, version: string): TestBinary => ({
  binary: labE2eBinary(env, version),
  version: `v${version}`,
  build: `kindlab lab node v${version} (the release's tree, its e2e.test and ginkgo; in a clone: bash lab/node/build.sh --k8s-version v${version})`,
});

/** Images of a test binary the lab supplies: its agnhost (not AgnhostPrev), busybox and pause. */
export function suppliedImages(listImages: string, agnhostVersion?: string): string[] {
  const refs = listImages.split('\n').map((l) => l.trim()).filter(Boolean);
  return [...new Set(refs.filter((r) => (agnhostVersion ? r.endsWith(`/agnhost:${agnhostVersion}`) : false) || /\/busybox:[^/]+$/.test(r) || /\/pause:[^/]+$/.test(r)))].sort();
}

export async function withUpstreamSpecs(app: AppEnv, scenarios: Scenario[], selectors: readonly string[], tb: TestBinary, notes: string[], use: 'plan' | 'run'): Promise<Scenario[]> {
  const sels = new Map(selectors.filter(isE2eSelector).map((t) => [t, parseE2eSelector(t)]));
  if (!sels.size || !scenarios.some((s) => sels.has(s.id))) return scenarios;
  const { binary, version } = tb;
  if (!existsSync(binary)) {
    if (use === 'run') throw new EnvironmentError(`no e2e.test of ${version} to run ${[...sels.keys()].join(', ')} with`, { hint: `build it: ${tb.build}` });
    notes.push(`upstream specs: no e2e.test of ${version} yet (${tb.build}); planned from the selectors alone`);
    return scenarios;
  }
  let images: string[] = [];
  if (use === 'run') {
    const list = await app.runner.run(binary, ['--list-images'], { signal: app.signal, allowFailure: true, timeoutMs: 60_000 });
    // the framework lists Agnhost and AgnhostPrev: the newer one is the agnhost of this tree, which the lab builds
    const agnVersions = [...list.stdout.matchAll(/\/agnhost:([\d.]+)(?=\s|$)/gm)].map((m) => m[1]!).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    images = suppliedImages(list.stdout, agnVersions.at(-1));
  }
  const out: Scenario[] = [];
  for (const s of scenarios) {
    const sel = sels.get(s.id);
    if (!sel) {
      out.push(s);
      continue;
    }
    const specs = selectedOrExplain(sel, await listUpstreamSpecs(app.runner, binary, sel, tmpdir(), app.signal), version);
    const needs = specNeeds(specs);
    notes.push(`${sel.text}: ${specs.length} spec(s) selected by ${binary}${needs.serial ? `, ${needs.serial} [Serial]` : ''}${needs.disruptive ? `, ${needs.disruptive} [Disruptive] (left out unless asked for)` : ''}${needs.features.length ? `; environment needs: ${needs.features.join(', ')}` : ''}`);
    for (const spec of specs) notes.push(`  ${spec.name} (${spec.location})`);
    out.push(e2ePlanItem(sel, { binary, version, specs, images }));
  }
  return out;
}
