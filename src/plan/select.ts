// Pure: which scenarios a list of selectors picks. Selectors: an id, a glob (`*token*`),
// `tag:<tag>`, `kep:<number>`. No selector = all. A selector that matches nothing is an error.
import { UsageError } from '../errors.js';
import type { Scenario } from '../scenario/types.js';

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
  if (selectors.length === 0) return [...all];
  for (const sel of selectors) {
    if (!all.some((s) => matches(s, sel))) {
      throw new UsageError(`selector "${sel}" matches no scenario`, {
        hint: 'use an id, a glob (*token*), tag:<tag> or kep:<number>; kindlab run --list shows them all',
      });
    }
  }
  return all.filter((s) => selectors.some((sel) => matches(s, sel)));
}
