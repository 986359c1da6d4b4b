// Running the specs an `e2e:` selector picks against a cluster: the target's own e2e.test, the way
// kind's CI runs it (`--provider=skeleton`, log dump off), the selector given verbatim, results read
// back from Ginkgo's JSON report. Several specs run in parallel processes through the ginkgo CLI of
// the same tree (`--procs`; Ginkgo runs [Serial] specs afterwards, alone), one spec in e2e.test
// itself. [Disruptive] specs are left out unless asked for.
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProcessRunner } from '../exec/runner.js';
import type { E2eSelector } from './selector.js';

export interface SpecRun {
  binary: string;
  kubeconfig: string;
  sel: E2eSelector;
  reportDir: string;
  /** kubectl of the same release (the framework shells out to it). */
  kubectl?: string;
  timeoutSeconds: number;
  allowDisruptive?: boolean;
  /** The ginkgo CLI built from the same tree, and how many processes: with both (procs > 1), a parallel run. */
  ginkgo?: string;
  procs?: number;
  /**
   * The cluster has no nodes (a control plane only): the framework's suite set-up must not wait for
   * schedulable nodes and kube-system pods (`--allowed-not-ready-nodes=-1`), or it would hold for
   * 30 minutes and then fail every spec.
   */
  withoutNodes?: boolean;
}

/** The framework's own flags (after `--` in a ginkgo CLI run). */
function frameworkArgs(r: SpecRun): string[] {
  return [
    '--provider=skeleton',
    `--kubeconfig=${resolve(r.kubeconfig)}`,
    '--disable-log-dump=true',
    `--report-dir=${resolve(r.reportDir)}`,
    ...(r.kubectl ? [`--kubectl-path=${r.kubectl}`] : []),
    ...(r.withoutNodes ? ['--allowed-not-ready-nodes=-1', '--num-nodes=0'] : []),
  ];
}

/** The ginkgo CLI arguments of a parallel run (pure: shown in the log, asserted by tests). */
export function ginkgoArgs(r: SpecRun): string[] {
  return [
    `--procs=${r.procs}`,
    `--timeout=${r.timeoutSeconds}s`,
    `--output-dir=${resolve(r.reportDir)}`,
    '--json-report=ginkgo.json',
    '--no-color',
    ...(r.sel.focus !== undefined ? [`--focus=${r.sel.focus}`] : []),
    ...(r.sel.labelFilter !== undefined ? [`--label-filter=${r.sel.labelFilter}`] : []),
    ...(r.allowDisruptive ? [] : ['--skip=\\[Disruptive\\]']),
    r.binary,
    '--',
    ...frameworkArgs(r),
  ];
}

/** The e2e.test arguments of a run (pure: shown by --dry-run, asserted by tests). */
export function runArgs(r: SpecRun): string[] {
  return [
    ...frameworkArgs(r),
    `--ginkgo.json-report=${join(resolve(r.reportDir), 'ginkgo.json')}`,
    '--ginkgo.no-color',
    `--ginkgo.timeout=${r.timeoutSeconds}s`,
    ...(r.sel.focus !== undefined ? [`--ginkgo.focus=${r.sel.focus}`] : []),
    ...(r.sel.labelFilter !== undefined ? [`--ginkgo.label-filter=${r.sel.labelFilter}`] : []),
    ...(r.allowDisruptive ? [] : ['--ginkgo.skip=\\[Disruptive\\]']),
  ];
}

export interface SpecResult {
  name: string;
  location: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending' | 'panicked' | 'timedout' | 'interrupted' | 'aborted';
  seconds: number;
  /** Ginkgo's failure message and where it failed. */
  failure?: { message: string; location: string };
  /** The tail of what the spec wrote (GinkgoWriter), for a failure. */
  output?: string;
}

interface GinkgoResult {
  LeafNodeType?: string;
  LeafNodeText?: string;
  ContainerHierarchyTexts?: string[] | null;
  LeafNodeLocation?: { FileName?: string; LineNumber?: number };
  State?: string;
  RunTime?: number;
  Failure?: { Message?: string; Location?: { FileName?: string; LineNumber?: number } };
  CapturedGinkgoWriterOutput?: string;
}

const where = (l?: { FileName?: string; LineNumber?: number }): string => `${(l?.FileName ?? '').replace(/^.*?\/(test\/e2e\/)/, '$1')}:${l?.LineNumber ?? 0}`;

/** The It results of a Ginkgo JSON report of a real run. */
export function parseRunReport(json: string): SpecResult[] {
  const reports = JSON.parse(json) as Array<{ SpecReports?: GinkgoResult[] | null }>;
  return reports.flatMap((r) =>
    (r.SpecReports ?? [])
      .filter((s) => s.LeafNodeType === 'It')
      .map((s): SpecResult => ({
        name: [...(s.ContainerHierarchyTexts ?? []), s.LeafNodeText ?? ''].join(' '),
        location: where(s.LeafNodeLocation),
        state: (s.State ?? 'failed') as SpecResult['state'],
        seconds: Math.round((s.RunTime ?? 0) / 1e8) / 10,
        ...(s.Failure?.Message ? { failure: { message: s.Failure.Message, location: where(s.Failure.Location) } } : {}),
        ...(s.State !== 'passed' && s.CapturedGinkgoWriterOutput ? { output: s.CapturedGinkgoWriterOutput.slice(-4000) } : {}),
      })),
  );
}

/** Runs e2e.test; returns every selected spec's result (the report is read even when specs failed). */
export async function runUpstreamSpecs(runner: ProcessRunner, r: Omit<SpecRun, 'reportDir'>, signal: AbortSignal, log: (line: string) => void): Promise<{ results: SpecResult[]; exitCode: number; outputTail: string }> {
  const reportDir = mkdtempSync(join(tmpdir(), 'kl-e2e-run-'));
  try {
    const parallel = r.ginkgo !== undefined && (r.procs ?? 1) > 1;
    const [file0, args] = parallel ? [r.ginkgo!, ginkgoArgs({ ...r, reportDir })] : [r.binary, runArgs({ ...r, reportDir })];
    log(`${file0} ${args.join(' ')}`);
    const p = await runner.run(file0, args, { signal, allowFailure: true, timeoutMs: (r.timeoutSeconds + 120) * 1000, env: { KUBECONFIG: resolve(r.kubeconfig) } });
    const file = join(reportDir, 'ginkgo.json');
    const outputTail = `${p.stdout}\n${p.stderr}`.trim().slice(-4000);
    return { results: existsSync(file) ? parseRunReport(readFileSync(file, 'utf8')) : [], exitCode: p.exitCode ?? -1, outputTail };
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}
