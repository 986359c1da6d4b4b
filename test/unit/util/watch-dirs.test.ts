// The saves `kindlab reload --watch` reacts to: real files in real folders (inotify), an editor's
// temporary files ignored, a burst of writes one change, nothing after Ctrl-C.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchDirs } from '../../../src/util/watch-dirs.js';

const goFiles = (name: string): boolean => name.endsWith('.go');

describe('watchDirs', () => {
  it('a burst of saves to watched folders is one change naming each file; other names and unwatched folders are ignored', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kl-watch-'));
    for (const d of ['a', 'b', 'unwatched']) mkdirSync(join(root, d));
    const ac = new AbortController();
    const w = watchDirs([join(root, 'a'), join(root, 'b')], goFiles, ac.signal);
    try {
      const next = w.next(150);
      writeFileSync(join(root, 'a', '.x.go.swp'), 'editor');
      writeFileSync(join(root, 'unwatched', 'c.go'), 'package c');
      writeFileSync(join(root, 'a', 'x.go'), 'package a');
      await new Promise((r) => setTimeout(r, 50));
      writeFileSync(join(root, 'b', 'y.go'), 'package b');
      expect(await next).toEqual([join(root, 'a', 'x.go'), join(root, 'b', 'y.go')]);
      expect(w.failed.count).toBe(0);
    } finally {
      w.close();
    }
  });

  it('a save made while the last change was being handled is the next change; Ctrl-C ends the wait with nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kl-watch-'));
    const ac = new AbortController();
    const w = watchDirs([root, join(root, 'missing')], goFiles, ac.signal);
    try {
      expect(w.failed.count).toBe(1);
      writeFileSync(join(root, 'z.go'), 'package z');
      await new Promise((r) => setTimeout(r, 100));
      expect(await w.next(50)).toEqual([join(root, 'z.go')]);
      const pending = w.next(50);
      ac.abort();
      expect(await pending).toBeUndefined();
    } finally {
      w.close();
    }
  });
});
