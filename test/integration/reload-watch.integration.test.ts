// `kindlab reload --watch`'s loop (src/workflows/reload-watch.ts) on a real Go module and real
// inotify, with no cluster: a tiny module named k8s.io/kubernetes whose commands share one package.
// What it must show: the folders Go says the commands are built from are watched, a saved .go file
// there starts one cycle naming it, a file Go does not build from (a README, a test-data folder
// outside the graph) starts none, and Ctrl-C ends the watch. The watch with real reloads:
// test/kind/reload.test.ts.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELOAD_TARGETS } from '../../src/reload/components.js';
import { watchReloads, type WatchCycle } from '../../src/workflows/reload-watch.js';
import { inMemoryApp } from '../helpers/in-memory-app.js';

function tinyKubeTree(): string {
  const tree = mkdtempSync(join(tmpdir(), 'kl-watch-tree-'));
  writeFileSync(join(tree, 'go.mod'), 'module k8s.io/kubernetes\n\ngo 1.22\n');
  mkdirSync(join(tree, 'pkg', 'shared'), { recursive: true });
  writeFileSync(join(tree, 'pkg', 'shared', 'shared.go'), 'package shared\n\nconst Name = "shared"\n');
  mkdirSync(join(tree, 'docs'), { recursive: true });
  for (const c of RELOAD_TARGETS) {
    mkdirSync(join(tree, 'cmd', c), { recursive: true });
    writeFileSync(join(tree, 'cmd', c, 'main.go'), 'package main\n\nimport "k8s.io/kubernetes/pkg/shared"\n\nfunc main() { println(shared.Name) }\n');
  }
  return tree;
}

describe('reload --watch on a real Go module', () => {
  it('runs a cycle for a saved .go file its commands build from, none for other files, and ends on Ctrl-C', async () => {
    const t = inMemoryApp();
    const tree = tinyKubeTree();
    const cycles: WatchCycle[] = [];
    const watching = watchReloads(t.app, tree, async (c) => {
      cycles.push(c);
      t.abort();
    });
    // the watch is set up once it says what it watches
    for (let i = 0; i < 200 && !t.progress.some((l) => l.startsWith('watching ')); i++) await new Promise((r) => setTimeout(r, 50));
    // pkg/shared, cmd/<each>, and the module root
    expect(t.progress.find((l) => l.startsWith('watching '))).toMatch(new RegExp(`^watching ${2 + RELOAD_TARGETS.length} folders of ${tree}`));
    writeFileSync(join(tree, 'docs', 'notes.md'), 'not Go\n');
    writeFileSync(join(tree, 'pkg', 'shared', 'README'), 'not Go either\n');
    await new Promise((r) => setTimeout(r, 700));
    expect(cycles).toEqual([]);
    writeFileSync(join(tree, 'pkg', 'shared', 'shared.go'), 'package shared\n\nconst Name = "edited"\n');
    await watching;
    expect(cycles.map((c) => c.changed)).toEqual([[join(tree, 'pkg', 'shared', 'shared.go')]]);
    expect(t.progress).toContain('\nsaved: pkg/shared/shared.go\n');
  });
});
