// The lab releases this CI tier must have built (.ci/releases): the default tier, or every release
// with KINDLAB_CI_FULL=1 (`bash .ci/run --full`). A release of the tier that is missing fails the
// test that needs it, with the command that builds it; it never skips the test.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labCacheRoot } from '../../src/lab/cache.js';

export interface CiRelease {
  version: string;
  tier: 'default' | 'full';
  components: string;
}

const file = fileURLToPath(new URL('../../.ci/releases', import.meta.url));

export function ciReleases(): CiRelease[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((l) => {
      const [version, tier, components] = l.split(/\s+/);
      if (!version || (tier !== 'default' && tier !== 'full') || !components) throw new Error(`.ci/releases: bad line "${l}"`);
      return { version, tier, components };
    });
}

export const fullTier = process.env.KINDLAB_CI_FULL === '1';

/** Whether this tier tests the release (a full-tier release only under KINDLAB_CI_FULL=1). */
export function inTier(version: string): boolean {
  const r = ciReleases().find((x) => x.version === version);
  if (!r) throw new Error(`${version} is not in .ci/releases`);
  return r.tier === 'default' || fullTier;
}

/** The lab's bin folder of a release; throws, with the command that builds it, when it is missing. */
export function labBin(version: string): string {
  const dir = join(labCacheRoot(), `k8s-${version}`, 'bin');
  if (!existsSync(join(dir, 'kube-apiserver'))) {
    throw new Error(`the lab has no build of ${version} in ${dir}: run \`npm run lab -- --k8s-version ${version}\` (bash .ci/run does)`);
  }
  return dir;
}
