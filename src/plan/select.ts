// Pure: which scenarios a list of selectors picks. Selectors: an id, a glob (`*token*`),
// `tag:<tag>`, `kep:<number>`. No selector = all. A selector that matches nothing is an error.
import { UsageError } from '../errors.js';
import type { Scenario } from '../scenario/types.js';
import { distance } from './gates.js';

/** Scenario ids a mistyped one was probably meant to be (edit distance ≤ 2, closest first). */
export function closestIds(all: readonly Pick<Scenario, 'id'>[], typed: string): string[] {
  return all
    .map((s) => ({ id: s.id, d: distance(typed, s.id) }))
    .filter((x) => x.d <= 2 && x.d > 0)
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, 3)
    .map((x) => x.id);
}

function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${esc}$`);
}

export function matches(s: Scenario, selector: string): boolean {
  if (selector.startsWith('tag:')) return (s.tags ?? []).includes(selector.slice(4));
  if (selector.startsWith('kep:')) return String(s.kep ?? '') === selector.slice(4).replace(/^KEP-?/i, '');
  if (/[*?]/.test(selector)) return globToRegExp(selector).test(s.id);
  return s.id === selector;
}

export function select(all: readonly Scenario[], selectors: readonly string[]): Scenario[] {
  // Nothing to select from: a run of it would test nothing and look green.
  if (all.length === 0) {
    throw new UsageError('no scenario was loaded: --no-builtin leaves only --scenarios-dir, and its folders hold no scenario file', {
      hint: 'point --scenarios-dir at a folder of *.ts scenario files (kindlab new scenario <id> writes one), or drop --no-builtin',
    });
  }
  if (selectors.length === 0) return [...all];
  for (const sel of selectors) {
    if (!all.some((s) => matches(s, sel))) {
      const near = closestIds(all, sel);
      throw new UsageError(`selector "${sel}" matches no scenario${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}`, {
        hint: 'use an id, a glob (*token*), tag:<tag> or kep:<number>; kindlab run --list shows them all',
      });
    }
  }
  return all.filter((s) => selectors.some((sel) => matches(s, sel)));
}
