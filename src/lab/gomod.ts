// Pure: reads Kubernetes' own go.mod (as served by the Go module proxy) and renders the wrapper
// module that builds its commands. k8s.io/kubernetes requires its staging modules at v0.0.0 and
// replaces them with ./staging/..., which only works when it is the main module; the wrapper
// replaces each of them with the published v0.<minor>.<patch> tag instead.

export interface GoModRequire {
  path: string;
  version: string;
  indirect: boolean;
}

export interface ParsedGoMod {
  module: string;
  /** The `go` line, e.g. "1.26.0". */
  go?: string;
  toolchain?: string;
  /** Whole `godebug` directives, e.g. "default=go1.26" (block entries are flattened). */
  godebug: string[];
  requires: GoModRequire[];
}

/** Parses the directives kindlab needs from a go.mod file (module, go, toolchain, godebug, require). */
export function parseGoMod(text: string): ParsedGoMod {
  const out: ParsedGoMod = { module: '', godebug: [], requires: [] };
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    if (block) {
      if (line === ')') {
        block = undefined;
        continue;
      }
      handle(block, line, indirect);
      continue;
    }
    const m = /^(\w+)\s*(\()?\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, verb = '', open, rest = ''] = m;
    if (open) {
      block = verb;
      continue;
    }
    handle(verb, rest, indirect);
  }
  return out;

  function handle(verb: string, rest: string, indirect: boolean): void {
    const fields = rest.split(/\s+/).filter(Boolean).map(unquote);
    switch (verb) {
      case 'module':
        out.module = fields[0] ?? '';
        break;
      case 'go':
        out.go = fields[0];
        break;
      case 'toolchain':
        out.toolchain = fields[0];
        break;
      case 'godebug':
        if (fields.length) out.godebug.push(fields.join(' '));
        break;
      case 'require':
        if (fields[0] && fields[1]) out.requires.push({ path: fields[0], version: fields[1], indirect });
        break;
      default:
        break;
    }
  }
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? s.slice(1, -1) : s;
}

/** Splits the concatenated JSON objects `go list -m -json a b c` prints. */
export function splitJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0 && start >= 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

/** Same-minor candidates below a version, nearest first: v0.26.15 → v0.26.14 … v0.26.0. */
export function lowerPatches(version: string): string[] {
  const v = parseSemVer(version);
  if (!v || v.pre) return [];
  const out: string[] = [];
  for (let p = v.patch - 1; p >= 0; p--) out.push(`v${v.major}.${v.minor}.${p}`);
  return out;
}

/** Staging modules: every k8s.io/<m> that k8s.io/kubernetes requires at the placeholder v0.0.0. */
export function stagingModules(mod: ParsedGoMod): string[] {
  return mod.requires
    .filter((r) => r.version === 'v0.0.0' && r.path.startsWith('k8s.io/'))
    .map((r) => r.path)
    .sort();
}

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre?: string;
}

export function parseSemVer(v: string): SemVer | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), pre: m[4] };
}

/** Tag of the staging modules for a Kubernetes release: v1.37.2 → v0.37.2, v1.36.0-rc.1 → v0.36.0-rc.1. */
export function stagingVersion(k8sVersion: string): string {
  const v = parseSemVer(k8sVersion);
  if (!v || v.major !== 1) throw new Error(`not a Kubernetes release version: ${k8sVersion}`);
  return `v0.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ''}`;
}

/** `go` lines from 1.24 on accept `tool` directives; older ones need a tools.go file. */
export function supportsToolDirective(goLine: string): boolean {
  const v = parseSemVer(goLine);
  return v !== undefined && (v.major > 1 || v.minor >= 24);
}

export interface WrapperModOptions {
  /** Module path of the wrapper. */
  module: string;
  goLine: string;
  godebug: string[];
  requires: { path: string; version: string }[];
  replaces: { path: string; version: string }[];
  /** Packages to keep in the build list with `tool` lines (only when the go line allows). */
  tools: string[];
}

export function renderGoMod(o: WrapperModOptions): string {
  const lines = [`// Generated by kindlab (npm run lab); rewritten on every build.`, `module ${o.module}`, '', `go ${o.goLine}`, ''];
  for (const d of o.godebug) lines.push(`godebug ${d}`);
  if (o.godebug.length) lines.push('');
  if (o.requires.length) {
    lines.push('require (');
    for (const r of o.requires) lines.push(`\t${r.path} ${r.version}`);
    lines.push(')', '');
  }
  if (o.replaces.length) {
    lines.push('replace (');
    for (const r of o.replaces) lines.push(`\t${r.path} => ${r.path} ${r.version}`);
    lines.push(')', '');
  }
  if (o.tools.length) {
    lines.push('tool (');
    for (const t of o.tools) lines.push(`\t${t}`);
    lines.push(')', '');
  }
  return lines.join('\n');
}

/** A `//go:build tools` file of blank imports, for go lines without the tool directive. */
export function renderToolsGo(packages: string[]): string {
  return [
    '//go:build tools',
    '',
    '// Generated by kindlab (npm run lab): keeps these commands in the build list.',
    'package tools',
    '',
    'import (',
    ...packages.map((p) => `\t_ "${p}"`),
    ')',
    '',
  ].join('\n');
}

export const KUBERNETES_MODULE = 'k8s.io/kubernetes';
export const ETCD_SERVER_MODULE = 'go.etcd.io/etcd/server/v3';

export function commandPackage(component: string): string {
  return `${KUBERNETES_MODULE}/cmd/${component}`;
}

/** The wrapper that builds Kubernetes commands of one release. */
export function kubernetesWrapper(
  k8sVersion: string,
  k8sMod: ParsedGoMod,
  components: readonly string[],
  /** Staging modules whose release tag the proxy lacks, with the version used instead. */
  stagingOverrides: Record<string, string> = {},
): { goMod: string; toolsGo?: string } {
  const goLine = k8sMod.go ?? '1.20';
  const staging = stagingVersion(k8sVersion);
  const tools = components.map(commandPackage);
  const useTool = supportsToolDirective(goLine);
  const goMod = renderGoMod({
    module: 'kindlab.invalid/lab/kubernetes',
    goLine,
    godebug: k8sMod.godebug,
    requires: [{ path: KUBERNETES_MODULE, version: k8sVersion }],
    replaces: stagingModules(k8sMod).map((path) => ({ path, version: stagingOverrides[path] ?? staging })),
    tools: useTool ? tools : [],
  });
  return useTool ? { goMod } : { goMod, toolsGo: renderToolsGo(tools) };
}

/** The wrapper that builds the etcd server. */
export function etcdWrapper(etcdVersion: string, etcdMod: ParsedGoMod): { goMod: string; toolsGo?: string } {
  const goLine = etcdMod.go ?? '1.20';
  const useTool = supportsToolDirective(goLine);
  const goMod = renderGoMod({
    module: 'kindlab.invalid/lab/etcd',
    goLine,
    godebug: etcdMod.godebug,
    requires: [{ path: ETCD_SERVER_MODULE, version: etcdVersion }],
    replaces: [],
    tools: useTool ? [ETCD_SERVER_MODULE] : [],
  });
  return useTool ? { goMod } : { goMod, toolsGo: renderToolsGo([ETCD_SERVER_MODULE]) };
}
