// `e2e:` selectors: upstream Kubernetes e2e specs picked by Ginkgo's focus or label filter, spelled
//   e2e:<focus regex>          --ginkgo.focus (a regular expression over the spec's full name)
//   e2e:label=<label filter>   --ginkgo.label-filter (see label-filter.ts)
// Recognised before any other selector form: a focus may hold `*` or `?` (not a glob here) and
// must not be taken for a ref.
import { UsageError } from '../errors.js';
import { gatesNamed, LabelFilterError, parseLabelFilter, type LabelFilter } from './label-filter.js';

export const E2E_PREFIX = 'e2e:';

export interface E2eSelector {
  /** As the user wrote it: the id of this selection in plans and reports. */
  text: string;
  focus?: string;
  labelFilter?: string;
  filter?: LabelFilter;
  /** Feature gates the selector names (`FeatureGate:X` in a label filter). */
  gates: string[];
}

export const isE2eSelector = (s: string): boolean => s.startsWith(E2E_PREFIX);

/** Parses an `e2e:` selector; a bad focus or label filter is a usage error before anything runs. */
export function parseE2eSelector(text: string): E2eSelector {
  const body = text.slice(E2E_PREFIX.length);
  const usage = 'write e2e:<focus regex> or e2e:label=<Ginkgo label filter>, e.g. e2e:label=FeatureGate:GRPCContainerProbeTLS';
  if (body.startsWith('label=')) {
    const labelFilter = body.slice('label='.length);
    if (!labelFilter.trim()) throw new UsageError(`selector "${text}" has an empty label filter`, { hint: usage });
    let filter: LabelFilter | undefined;
    try {
      filter = parseLabelFilter(labelFilter);
    } catch (e) {
      if (e instanceof LabelFilterError) throw new UsageError(`selector "${text}": ${e.message}`, { hint: 'Ginkgo label filters: labels joined by &&, || (or ,), !, ( ); /regexp/; Key: containsAny {a,b} (a space after the colon)' });
      throw e;
    }
    return { text, labelFilter, filter, gates: gatesNamed(filter) };
  }
  if (!body.trim()) throw new UsageError(`selector "${text}" selects nothing: the focus is empty`, { hint: usage });
  try {
    new RegExp(body);
  } catch (e) {
    throw new UsageError(`selector "${text}": the focus is not a regular expression (${(e as Error).message})`, { hint: 'escape [ ] ( ) . in spec names: e2e:should mount projected service account token \\[Conformance\\]' });
  }
  // RE2 (Go's regexp, which Ginkgo uses) has no look-around and no back-references
  if (/\(\?<?[=!]|\\[1-9]/.test(body)) throw new UsageError(`selector "${text}": the focus uses look-around or a back-reference, which Go's regular expressions (RE2) do not have`, { hint: usage });
  return { text, focus: body, gates: [] };
}
