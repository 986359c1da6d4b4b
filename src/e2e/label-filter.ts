// Ginkgo v2 label filters (`--ginkgo.label-filter`), parsed in kindlab so that a bad filter is
// refused before the test binary — which carries Ginkgo's own parser — is built, and so that the
// planner can read which feature gates a filter asks for. Hand-written because no JavaScript
// library speaks this grammar; it follows Ginkgo's documented syntax (types/label_filter.go):
//
//   filter  := or ;  or := and (('||' | ',') and)* ;  and := not ('&&' not)* ;  not := '!'* atom
//   atom    := '(' or ')' | '/regexp/' | label | key ': ' op [ '{' values '}' | values ]
//   op      := isEmpty | containsAny | containsAll | consistsOf | isSubsetOf   (case-insensitive)
//
// Labels match case-insensitively; `Key:value` (no space) is a plain label, `Key: op` a set
// operation over the values of the spec's `Key:*` labels. The test binary stays the authority at
// run time: it is given the filter verbatim.

export type LabelFilter =
  | { kind: 'label'; value: string }
  | { kind: 'regexp'; source: string; re: RegExp }
  | { kind: 'set'; key: string; op: SetOp; values: string[] }
  | { kind: 'not'; of: LabelFilter }
  | { kind: 'and' | 'or'; left: LabelFilter; right: LabelFilter };

export type SetOp = 'isEmpty' | 'containsAny' | 'containsAll' | 'consistsOf' | 'isSubsetOf';
const SET_OPS: Record<string, SetOp> = { isempty: 'isEmpty', containsany: 'containsAny', containsall: 'containsAll', consistsof: 'consistsOf', issubsetof: 'isSubsetOf' };

export class LabelFilterError extends Error {
  constructor(
    readonly input: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(`label filter syntax error at column ${position + 1}: ${reason}\n  ${input}\n  ${' '.repeat(Math.max(0, position))}^`);
  }
}

type Token =
  | { t: 'and' | 'or' | 'not' | 'open' | 'close'; at: number }
  | { t: 'regexp' | 'label'; at: number; value: string }
  | { t: 'set'; at: number; key: string; op: SetOp; values: string[] };

const STOP = '&|!,()/';

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const until = (cut: string): string => {
    let j = i;
    while (j < input.length && !cut.includes(input[j]!)) j++;
    const s = input.slice(i, j);
    i = j;
    return s;
  };
  while (i < input.length) {
    const c = input[i]!;
    const at = i;
    if (c === ' ') {
      i++;
      continue;
    }
    if (c === '&' || c === '|') {
      if (input[i + 1] !== c) throw new LabelFilterError(input, i, `'${c}' is not an operator: did you mean '${c}${c}'?`);
      out.push({ t: c === '&' ? 'and' : 'or', at });
      i += 2;
    } else if (c === ',') {
      out.push({ t: 'or', at });
      i++;
    } else if (c === '!' || c === '(' || c === ')') {
      out.push({ t: c === '!' ? 'not' : c === '(' ? 'open' : 'close', at });
      i++;
    } else if (c === '/') {
      i++;
      const source = until('/');
      if (i >= input.length) throw new LabelFilterError(input, at, "a regular expression has no closing '/'");
      i++;
      try {
        new RegExp(source);
      } catch (e) {
        throw new LabelFilterError(input, at, `invalid regular expression: ${(e as Error).message}`);
      }
      out.push({ t: 'regexp', at, value: source });
    } else {
      let value = until(STOP + ':').trim();
      if (input[i] === ':' && input[i + 1] === ' ') {
        if (!value) throw new LabelFilterError(input, i, 'a set operation has no key before the colon');
        i += 2;
        while (input[i] === ' ') i++;
        const opAt = i;
        const opWord = until(' )' + STOP + '{');
        const op = SET_OPS[opWord.toLowerCase()];
        if (!op) throw new LabelFilterError(input, opAt, `unknown set operation '${opWord}' (known: ${Object.values(SET_OPS).join(', ')})`);
        while (input[i] === ' ') i++;
        let arg: string;
        if (input[i] === '{') {
          const open = i;
          i++;
          arg = until('}');
          if (i >= input.length) throw new LabelFilterError(input, open, "a set argument has no closing '}'");
          i++;
        } else arg = until(STOP).trim();
        if (op === 'isEmpty' && arg.trim()) throw new LabelFilterError(input, opAt, `isEmpty takes no argument, was given '${arg.trim()}'`);
        if (op !== 'isEmpty' && !arg.trim()) throw new LabelFilterError(input, opAt, `set operation ${op} needs an argument`);
        // kept as written (gate names keep their case); compared case-insensitively
        const values = op === 'isEmpty' ? [] : arg.split(',').map((v) => v.trim());
        for (const v of values) {
          if (!v) throw new LabelFilterError(input, opAt, `set operation ${op} has an empty value`);
          if ([...STOP].some((x) => v.includes(x))) throw new LabelFilterError(input, opAt, `'${v}' is not a label value`);
        }
        out.push({ t: 'set', at, key: value, op, values });
        continue;
      }
      if (input[i] === ':') value += until(STOP).trim();
      if (!value) throw new LabelFilterError(input, at, `unexpected '${input[at]}'`);
      for (const opName of Object.values(SET_OPS)) {
        const idx = value.toLowerCase().indexOf(' ' + opName.toLowerCase());
        if (idx > 0) throw new LabelFilterError(input, at + idx + 1, `'${opName}' looks like a set operation without a key: write 'Key: ${opName} …' (a space after the colon)`);
      }
      if (/\s/.test(value)) throw new LabelFilterError(input, at, `two labels '${value}' with no operator between them`);
      out.push({ t: 'label', at, value });
    }
  }
  return out;
}

/** Parses a Ginkgo label filter; throws LabelFilterError naming the column. Empty = match all. */
export function parseLabelFilter(input: string): LabelFilter | undefined {
  const tokens = tokenize(input);
  if (!tokens.length) return undefined;
  let k = 0;
  const peek = (): Token | undefined => tokens[k];
  const fail = (tok: Token | undefined, reason: string): never => {
    throw new LabelFilterError(input, tok ? tok.at : input.length, reason);
  };
  const atom = (): LabelFilter => {
    const tok = tokens[k++];
    if (!tok) return fail(undefined, 'the filter ends where a label was expected');
    switch (tok.t) {
      case 'not':
        return { kind: 'not', of: atom() };
      case 'open': {
        if (peek()?.t === 'close') fail(peek(), "empty '()' group");
        const inner = or();
        if (peek()?.t !== 'close') fail(peek() ?? tok, "'(' has no matching ')'");
        k++;
        return inner;
      }
      case 'label':
        return { kind: 'label', value: tok.value };
      case 'regexp':
        return { kind: 'regexp', source: tok.value, re: new RegExp(tok.value) };
      case 'set':
        return { kind: 'set', key: tok.key, op: tok.op, values: tok.values };
      default:
        return fail(tok, `'${input.slice(tok.at, tok.t === 'and' || tok.t === 'or' ? tok.at + (input[tok.at] === ',' ? 1 : 2) : tok.at + 1)}' has no left-hand operand`);
    }
  };
  const and = (): LabelFilter => {
    let left = atom();
    while (peek()?.t === 'and') {
      k++;
      left = { kind: 'and', left, right: atom() };
    }
    return left;
  };
  const or = (): LabelFilter => {
    let left = and();
    while (peek()?.t === 'or') {
      k++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const tree = or();
  const rest = peek();
  if (rest) fail(rest, rest.t === 'close' ? "')' has no matching '('" : 'two labels with no operator between them');
  return tree;
}

function labelValues(key: string, labels: readonly string[]): Set<string> {
  const out = new Set<string>();
  const want = key.trim().toLowerCase();
  for (const l of labels) {
    const at = l.indexOf(':');
    if (at > 0 && l.slice(0, at).trim().toLowerCase() === want) out.add(l.slice(at + 1).trim().toLowerCase());
  }
  return out;
}

/** Whether a spec with these labels is selected by the filter (undefined filter: every spec). */
export function matchesLabels(f: LabelFilter | undefined, labels: readonly string[]): boolean {
  if (!f) return true;
  switch (f.kind) {
    case 'label':
      return labels.some((l) => l.toLowerCase() === f.value.toLowerCase());
    case 'regexp':
      return labels.some((l) => f.re.test(l));
    case 'not':
      return !matchesLabels(f.of, labels);
    case 'and':
      return matchesLabels(f.left, labels) && matchesLabels(f.right, labels);
    case 'or':
      return matchesLabels(f.left, labels) || matchesLabels(f.right, labels);
    case 'set': {
      const have = labelValues(f.key, labels);
      const want = f.values.map((v) => v.toLowerCase());
      switch (f.op) {
        case 'isEmpty':
          return have.size === 0;
        case 'containsAny':
          return want.some((v) => have.has(v));
        case 'containsAll':
          return want.every((v) => have.has(v));
        case 'consistsOf':
          return have.size === new Set(want).size && want.every((v) => have.has(v));
        case 'isSubsetOf':
          return [...have].every((v) => want.includes(v));
      }
    }
  }
}

/**
 * Feature gates the filter names positively (`FeatureGate:X` not under a `!`): what a run of it
 * is about, known before any spec list exists. Case as written.
 */
export function gatesNamed(f: LabelFilter | undefined, negated = false): string[] {
  if (!f) return [];
  switch (f.kind) {
    case 'label': {
      const m = /^FeatureGate:(.+)$/i.exec(f.value);
      return m && !negated ? [m[1]!] : [];
    }
    case 'set':
      return !negated && f.key.toLowerCase() === 'featuregate' && f.op !== 'isEmpty' ? [...f.values] : [];
    case 'not':
      return gatesNamed(f.of, !negated);
    case 'and':
    case 'or':
      return [...new Set([...gatesNamed(f.left, negated), ...gatesNamed(f.right, negated)])];
    default:
      return [];
  }
}

/** The plain labels a filter names (for "did you mean" when no spec carries one). */
export function labelsNamed(f: LabelFilter | undefined): string[] {
  if (!f) return [];
  switch (f.kind) {
    case 'label':
      return [f.value];
    case 'not':
      return labelsNamed(f.of);
    case 'and':
    case 'or':
      return [...new Set([...labelsNamed(f.left), ...labelsNamed(f.right)])];
    case 'set':
      return f.values.map((v) => `${f.key}:${v}`);
    default:
      return [];
  }
}
