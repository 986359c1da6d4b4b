import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTreeTool, scratchModFile, treeBuildEnv, treeToolPackage, treeToolPackageIn, vendorWithoutCode } from '../../../src/source/go-build.js';

// go.mod lines as the releases' trees have them (k8s.io/kubernetes v1.24.17 and v1.28.15).
const GO_MOD_1_24 = 'module k8s.io/kubernetes\n\nrequire (\n\tgithub.com/onsi/ginkgo v1.14.0\n\tgithub.com/onsi/gomega v1.10.1\n)\n';
const GO_MOD_1_28 = 'module k8s.io/kubernetes\n\nrequire (\n\tgithub.com/onsi/ginkgo/v2 v2.9.4\n\tgithub.com/onsi/gomega v1.27.6\n)\n';

describe('the ginkgo CLI is built from the Ginkgo the tree requires', () => {
  it('is Ginkgo v2\'s CLI in a tree from 1.25 on', () => {
    expect(treeToolPackage('ginkgo', GO_MOD_1_28)).toBe('github.com/onsi/ginkgo/v2/ginkgo');
  });

  it('is Ginkgo v1\'s CLI in 1.24\'s tree, which has no /v2 module (lab/node/build.sh of v1.24.17 failed on it)', () => {
    expect(treeToolPackage('ginkgo', GO_MOD_1_24)).toBe('github.com/onsi/ginkgo/ginkgo');
  });

  it('reads the tree\'s go.mod, and takes a tree not checked out yet (a dry run) for a current release', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-tree-'));
    writeFileSync(join(dir, 'go.mod'), GO_MOD_1_24);
    expect(treeToolPackageIn(dir, 'ginkgo')).toBe('github.com/onsi/ginkgo/ginkgo');
    expect(treeToolPackageIn(join(dir, 'not-there'), 'ginkgo')).toBe('github.com/onsi/ginkgo/v2/ginkgo');
    rmSync(dir, { recursive: true });
  });

  it('knows only its own tools', () => {
    expect(isTreeTool('ginkgo')).toBe(true);
    expect(isTreeTool('kubectl')).toBe(false);
    expect(() => treeToolPackage('kubectl', GO_MOD_1_28)).toThrow(/no tree tool named kubectl/);
  });
});

describe('a tree whose vendor/ holds no code is built from the module cache', () => {
  const tree = (files: string[]): string => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-tree-'));
    for (const f of files) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), '');
    }
    return dir;
  };

  it('is 1.24\'s checkout: vendor/OWNERS only, no modules.txt, no go.work (Go would default to -mod=vendor and fail)', () => {
    const dir = tree(['go.mod', 'go.sum', 'vendor/OWNERS']);
    writeFileSync(join(dir, 'go.mod'), 'module k8s.io/kubernetes\n');
    expect(vendorWithoutCode(dir)).toBe(true);
    // Go may update a copy of go.mod in the build's scratch folder; the release's own stays as tagged
    const modFile = scratchModFile(dir, join(dir, 'scratch'));
    expect(modFile).toBe(join(dir, 'scratch', 'go.mod'));
    expect(readFileSync(modFile!, 'utf8')).toBe('module k8s.io/kubernetes\n');
    expect(existsSync(join(dir, 'scratch', 'go.sum'))).toBe(true);
    expect(treeBuildEnv({}, '/tmp/x', modFile)).toMatchObject({ GOFLAGS: `-mod=mod -modfile=${modFile}` });
    rmSync(dir, { recursive: true });
  });

  it('is not a tree with go.work (1.30, 1.37) or with real vendoring', () => {
    for (const files of [['go.mod', 'go.work', 'vendor/OWNERS'], ['go.mod', 'vendor/modules.txt', 'vendor/OWNERS'], ['go.mod']]) {
      const dir = tree(files);
      expect(vendorWithoutCode(dir), files.join(' ')).toBe(false);
      expect(scratchModFile(dir, join(dir, 'scratch'))).toBeUndefined();
      expect(treeBuildEnv({}, '/tmp/x', undefined)).not.toHaveProperty('GOFLAGS');
      rmSync(dir, { recursive: true });
    }
  });
});
