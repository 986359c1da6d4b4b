// The specs an `e2e:` selector picks, asked of the test binary itself (Ginkgo's dry run with its
// JSON report): no spec list is kept in kindlab, and no cluster is contacted.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { KindlabError, UsageError } from '../errors.js';
import type { ProcessRunner } from '../exec/runner.js';
import { labelsNamed } from './label-filter.js';
import type { E2eSelector } from './selector.js';
import { nearestLabels, nearestSpecs, parseDryRunReport, type UpstreamSpec } from './specs.js';

/**
 * The dry-run arguments for a selector (pure; `--dry-run` and the report show them). No
 * --silence-skips here or in runs: the Ginkgo of Kubernetes 1.30 (v2.15) does not know it, and
 * a skipped spec costs only one "S" in the output.
 */
export function dryRunArgs(sel: E2eSelector, reportFile: string): string[] {
  return [
    '--ginkgo.dry-run',
    `--ginkgo.json-report=${reportFile}`,
    '--ginkgo.no-color',
    ...(sel.focus !== undefined ? [`--ginkgo.focus=${sel.focus}`] : []),
    ...(sel.labelFilter !== undefined ? [`--ginkgo.label-filter=${sel.labelFilter}`] : []),
  ];
}

export async function listUpstreamSpecs(runner: ProcessRunner, binary: string, sel: E2eSelector, tmpRoot: string, signal?: AbortSignal): Promise<UpstreamSpec[]> {
  const dir = mkdtempSync(join(tmpRoot, 'kl-e2e-list-'));
  try {
    const report = join(dir, 'specs.json');
    // KUBECONFIG pointed nowhere: a dry run must not read, let alone reach, the user's cluster
    const r = await runner.run(binary, dryRunArgs(sel, report), { signal, allowFailure: true, timeoutMs: 180_000, env: { KUBECONFIG: join(dir, 'no-kubeconfig') } });
    if (!existsSync(report)) {
      throw new KindlabError(`${binary} wrote no spec list for ${sel.text} (exit ${r.exitCode})`, { detail: `${r.stdout}\n${r.stderr}`.trim().slice(-3000) });
    }
    return parseDryRunReport(readFileSync(report, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The selected specs; none is a usage error naming the nearest specs or labels of the suite. */
export function selectedOrExplain(sel: E2eSelector, specs: readonly UpstreamSpec[], binaryVersion: string): UpstreamSpec[] {
  const picked = specs.filter((s) => s.selected);
  if (picked.length) return picked;
  let near: string[];
  if (sel.focus !== undefined) near = nearestSpecs(specs, sel.focus);
  else near = labelsNamed(sel.filter).flatMap((l) => (specs.some((s) => s.labels.some((x) => x.toLowerCase() === l.toLowerCase())) ? [] : nearestLabels(specs, l)));
  throw new UsageError(`${sel.text} selects none of the ${specs.length} specs of e2e.test ${binaryVersion}`, {
    hint: near.length ? `nearest ${sel.focus !== undefined ? 'specs' : 'labels'}: ${near.map((n) => JSON.stringify(n)).join(', ')}` : 'e2e.test --list-tests and --list-labels show what the suite has',
  });
}
