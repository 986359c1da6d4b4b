// Pure: what a reload replaces, from what the cluster runs, the tree it is reloaded from and Go's
// dependency graph of each component — or the components the user named.
import { changedFiles, touchedComponents, type TreeState, type Touch } from './changed-files.js';
import { RELOAD_TARGETS, type ReloadTarget } from './components.js';
import { UsageError } from '../errors.js';

export interface ReloadPlanInput {
  /** What the cluster runs; `patch: undefined` with `patchKnown: false` = a dirty build kindlab has no copy of. */
  before: TreeState & { describe: string; patchKnown: boolean };
  after: TreeState & { describe: string };
  /** `git diff --name-only before.commit after.commit`. */
  commitDiff: readonly string[];
  named?: readonly ReloadTarget[];
  packageDirs?: ReadonlyMap<ReloadTarget, ReadonlySet<string>>;
  /** What can be built for this cluster: the components it runs (its provider says) and kubectl. */
  runs: readonly ReloadTarget[];
}

export interface ReloadPlan {
  components: ReloadTarget[];
  /** Why each is replaced: the first changed file in its build, or "named". */
  because: Touch[];
  changed: string[];
}

export function planReload(i: ReloadPlanInput): ReloadPlan {
  const changed = changedFiles(i.commitDiff, i.before, i.after);
  if (i.named) {
    const absent = i.named.filter((c) => !i.runs.includes(c));
    if (absent.length) throw new UsageError(`the cluster runs no ${absent.join(', ')}`, { hint: `it runs ${i.runs.join(', ')}` });
    return { components: [...i.named], because: i.named.map((component) => ({ component, because: 'named on the command line' })), changed };
  }
  if (!i.packageDirs) throw new Error('planReload: packageDirs are needed when no component is named');
  const touched = touchedComponents(changed, i.packageDirs).filter((t) => i.runs.includes(t.component));
  return { components: RELOAD_TARGETS.filter((c) => touched.some((t) => t.component === c)), because: touched, changed };
}

/** The patch hash of a dirty describe (`v1.37.2-dirty-0a1b2c3d` → `0a1b2c3d`). */
export function dirtyHash(describe: string): string | undefined {
  return /-dirty-([0-9a-f]{8})$/.exec(describe)?.[1];
}
