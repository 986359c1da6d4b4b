// Pure: which files differ between what a cluster runs and the tree to reload from, and which
// components a change touches. The decision is Go's dependency graph: a component is rebuilt when
// a changed file lies in the folder of one of the packages `go list -deps` names for its command
// (a change to the module files or the pinned Go touches every component).
import type { ReloadTarget } from './components.js';

/** A tree state: a commit plus the uncommitted changes built with it (`git diff HEAD`). */
export interface TreeState {
  commit: string;
  patch?: string;
}

/** Each file's section of a `git diff`, by path (both paths of a rename). */
export function patchSections(patch: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!patch) return out;
  const parts = patch.split(/^(?=diff --git )/m).filter((p) => p.startsWith('diff --git '));
  for (const part of parts) {
    const header = /^diff --git a\/(.+?) b\/(.+)$/m.exec(part);
    if (!header) continue;
    out.set(header[1]!, part);
    out.set(header[2]!, part);
  }
  return out;
}

/**
 * Files that differ between two tree states: those the commits' diff names, and those whose
 * uncommitted change differs (a file edited before the last reload and not since is unchanged).
 */
export function changedFiles(commitDiff: readonly string[], before: TreeState, after: TreeState): string[] {
  const files = new Set(commitDiff);
  const a = patchSections(before.patch);
  const b = patchSections(after.patch);
  for (const f of new Set([...a.keys(), ...b.keys()])) if (a.get(f) !== b.get(f)) files.add(f);
  return [...files].sort();
}

/** Files that change every build: module graph, vendored modules, the pinned Go. */
const EVERYTHING = [/(^|\/)go\.(mod|sum|work|work\.sum)$/, /^vendor\/modules\.txt$/, /^\.go-version$/];

export interface Touch {
  component: ReloadTarget;
  /** The first changed file that touches it (for the message). */
  because: string;
}

/**
 * Components whose build a change touches. `packageDirs`: for each component, the folders
 * (relative to the tree) of the packages its command depends on. Test files are not built.
 */
export function touchedComponents(files: readonly string[], packageDirs: ReadonlyMap<ReloadTarget, ReadonlySet<string>>): Touch[] {
  const built = files.filter((f) => !f.endsWith('_test.go'));
  const out: Touch[] = [];
  for (const [component, dirs] of packageDirs) {
    const because = built.find((f) => EVERYTHING.some((re) => re.test(f)) || dirs.has(dirOf(f)));
    if (because) out.push({ component, because });
  }
  return out;
}

const dirOf = (file: string): string => (file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.');
