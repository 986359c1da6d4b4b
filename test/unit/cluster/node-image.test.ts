// The node image a kind cluster of the run's version uses when the version came from binaries:
// exact version matching, the lookup order (kindlab-built, then kindest/node present locally),
// and the error that names the missing image and how to get one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeIsVersion, isReleaseVersion } from '../../../src/cluster/image-version.js';
import { findNodeImage, missingNodeImageError } from '../../../src/cluster/node-image.js';
import type { ImageInfo } from '../../../src/docker/docker.js';
import { EnvironmentError } from '../../../src/errors.js';
import { StateStore } from '../../../src/state/store.js';
import type { ImageRecord } from '../../../src/state/records.js';

describe('describeIsVersion', () => {
  it.each([
    ['v1.37.2', 'v1.37.2', true],
    ['v1.37.2', '1.37.2', true],
    ['v1.37.2', 'v1.37.0', false],
    ['v1.37.2', 'v1.37.2-rc.0', false],
    ['v1.37.2-rc.0', 'v1.37.2-rc.0', true],
    ['v1.37.2-12-gabcdef0', 'v1.37.2-12+abcdef0123456', true],
    ['v1.37.2-12-gabcdef0', 'v1.37.2-13+abcdef0123456', false],
    ['v1.37.2-12-gabcdef0', 'v1.37.2-12+abcdee0123456', false],
    ['v1.37.2-12-gabcdef0', 'v1.37.2', false],
    ['v1.37.2-dirty', 'v1.37.2', false],
    ['v1.37.2-12-gabcdef0-dirty', 'v1.37.2-12+abcdef0123456-dirty', true],
    ['v1.37.2-dirty-0a1b2c3d', 'v1.37.2-dirty-0a1b2c3d', true],
    ['v1.37.2-dirty-0a1b2c3d', 'v1.37.2-dirty-0a1b2c3e', false],
    ['v1.37.2-12-gabcdef0-dirty-0a1b2c3d', 'v1.37.2-12+abcdef0123456-dirty-0a1b2c3d', true],
    ['v1.37.2-dirty-0a1b2c3d', 'v1.37.2-dirty', false],
  ])('%s runs %s: %s', (d, v, want) => {
    expect(describeIsVersion(d, v)).toBe(want);
  });
  it('tells releases from development builds', () => {
    expect(isReleaseVersion('v1.37.2')).toBe(true);
    expect(isReleaseVersion('1.38.0-rc.1')).toBe(true);
    expect(isReleaseVersion('v1.37.2-12+abcdef0123456')).toBe(false);
  });
});

const rec = (tag: string, describe: string, builtAt: string): ImageRecord => ({ kind: 'node-image', tag, commit: `${tag.replace(/\W/g, '')}`.padEnd(40, '0'), describe, kubeRoot: '/k', builtAt, buildSeconds: 1 });

function fakeDocker(images: Record<string, Record<string, string>>): { imageInfo: (ref: string) => Promise<ImageInfo | undefined>; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    imageInfo: async (ref) => {
      asked.push(ref);
      return images[ref] ? { id: `sha256:${ref}`, labels: images[ref]! } : undefined;
    },
  };
}

describe('findNodeImage', () => {
  const store = (...recs: ImageRecord[]): StateStore => {
    const s = new StateStore(mkdtempSync(join(tmpdir(), 'kl-nodeimg-')));
    s.ensure();
    for (const r of recs) s.saveImage(r);
    s.saveImage({ ...rec('components', 'v1.37.2', '2026-01-03T00:00:00Z'), kind: 'components' });
    return s;
  };

  it('prefers the newest kindlab-built image of exactly that version that docker still has', async () => {
    const s = store(rec('kindlab/node:v1.37.2', 'v1.37.2', '2026-01-01T00:00:00Z'), rec('kindlab/node:gone', 'v1.37.2', '2026-01-02T00:00:00Z'), rec('kindlab/node:v1.37.0', 'v1.37.0', '2026-01-04T00:00:00Z'));
    const docker = fakeDocker({ 'kindlab/node:v1.37.2': { 'io.kindlab.describe': 'v1.37.2' }, 'kindlab/node:v1.37.0': {}, 'kindest/node:v1.37.2': {} });
    const found = await findNodeImage('v1.37.2', s, docker);
    expect(found).toEqual({ image: 'kindlab/node:v1.37.2', source: expect.stringMatching(/^built by kindlab from \w{12} \(v1.37.2\)$/) });
    expect(docker.asked).toEqual(['kindlab/node:gone', 'kindlab/node:v1.37.2']);
  });

  it('skips a tag that now names another image (its describe label differs)', async () => {
    const s = store(rec('kindlab/node:v1.37.2', 'v1.37.2', '2026-01-01T00:00:00Z'));
    const docker = fakeDocker({ 'kindlab/node:v1.37.2': { 'io.kindlab.describe': 'v1.36.0' } });
    expect(await findNodeImage('v1.37.2', s, docker)).toBeUndefined();
  });

  it("falls back to kind's published image when docker has it, without pulling", async () => {
    const docker = fakeDocker({ 'kindest/node:v1.37.2': {} });
    expect(await findNodeImage('1.37.2', store(), docker)).toEqual({ image: 'kindest/node:v1.37.2', source: "kind's published image, present in docker" });
    expect(await findNodeImage('v1.37.0', store(), docker)).toBeUndefined();
  });

  it('looks for no published image of a development version', async () => {
    const docker = fakeDocker({});
    expect(await findNodeImage('v1.37.2-12+abcdef0123456', store(), docker)).toBeUndefined();
    expect(docker.asked).toEqual([]);
  });
});

describe('missingNodeImageError', () => {
  it('names the cluster, its scenarios, the missing image and how to get one', () => {
    const e = missingNodeImageError({ version: 'v1.37.2' }, [{ name: 'kl-1b37cc-2', scenarios: ['runtime-not-docker'] }]);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e.message).toBe('the kind cluster kl-1b37cc-2 (for runtime-not-docker) needs a node image of v1.37.2: none was built by kindlab and kindest/node:v1.37.2 is not present');
    expect(e.hint).toBe('build one with `kindlab build v1.37.2 --kube-root <checkout>`, or pass --image, or --provider local to run only the API-level scenarios');
  });
  it('says so for a development version and for a failed lookup', () => {
    expect(missingNodeImageError({ version: '1.37.2-3+abcdef0' }, [{ name: 'a', scenarios: ['x'] }, { name: 'b', scenarios: ['y'] }]).message).toBe(
      'the kind clusters a, b (for x, y) need a node image of v1.37.2-3+abcdef0: none was built by kindlab (kind publishes no image of a development version)',
    );
    expect(missingNodeImageError({ version: 'v1.37.2', lookupError: 'the Docker daemon is not reachable' }, [{ name: 'a', scenarios: ['x'] }]).message).toMatch(/kindlab could not look for one \(the Docker daemon is not reachable\)$/);
  });
});
