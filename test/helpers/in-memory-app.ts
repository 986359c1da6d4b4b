// An AppEnv built in memory for the pipeline tests (test/unit/run/): a TEST provider registry and
// a TEST cluster API stand in for kind, the local provider and the API server, so that `test`,
// `matrix` and `bisect` run through the real step list (src/run/steps.ts) in milliseconds. Real
// parts remain where they cost nothing: the state store on disk, git, and a stand-in
// kube-apiserver script that only prints its version. Nothing here claims to test a provider or
// the scenario engine: the real tiers (test/e2e, test/kind) do.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppEnv } from '../../src/app/env.js';
import type { ProviderCapabilities, ProviderDescriptor } from '../../src/cluster/capabilities.js';
import type { ClusterProvider, CreateRequest, LiveCluster, ProviderContext } from '../../src/cluster/provider.js';
import { requestedBinDir, requestedImage } from '../../src/cluster/provider.js';
import { ProviderRegistry } from '../../src/cluster/registry.js';
import { existingDescriptor } from '../../src/cluster/existing/descriptor.js';
import { ExecaRunner } from '../../src/exec/runner.js';
import { ProcessError } from '../../src/errors.js';
import type { ScenarioResult } from '../../src/report/model.js';
import type { ClusterApi } from '../../src/scenario/cluster-api.js';
import type { ClusterInfo } from '../../src/scenario/types.js';
import { StateStore } from '../../src/state/store.js';
import type { ClusterRecord } from '../../src/state/records.js';

/** What happened, in order: 'build test-nodes <ref>', 'create kl-…-1', 'run a on kl-…-1', 'delete kl-…-1'. */
export type Journal = string[];

/** How the test providers and cluster API behave; each hook may throw, or abort the run. */
export interface TestBehaviour {
  /** Per provider name: true, or why it cannot run here. */
  available?: Record<string, true | string>;
  /** Called at the start of create; throw to make the cluster fail to come up. */
  onCreate?: (req: CreateRequest, provider: string) => void;
  /** Called at the start of delete; throw to make a deletion fail. */
  onDelete?: (name: string) => void;
  /** Called at build; throw a ProcessError for a commit that does not build. */
  onBuild?: (provider: string, ref: string) => void;
  /** Called when the cluster's facts are read; throw for a cluster that is up but unusable. */
  onReadInfo?: (cluster: string) => void;
  /** The status of a scenario on a cluster (default passed); may abort the run. */
  scenario?: (id: string, cluster: ClusterRecord) => ScenarioResult['status'];
}

export interface InMemoryApp {
  app: AppEnv;
  /** The TEST providers' clusters that exist "in reality", by name; `foreign` ones were not made by kindlab. */
  live: Map<string, { provider: string; foreign?: boolean }>;
  journal: Journal;
  progress: string[];
  abort: () => void;
  behaviour: TestBehaviour;
  home: string;
}

const TEST_NODES: ProviderCapabilities = { createsClusters: true, nodes: true, runsFrom: 'node-image', apiServerOnHost: false, kindConfig: false, exportsKubeconfig: false, cost: 10 };
const TEST_API: ProviderCapabilities = { createsClusters: true, nodes: false, runsFrom: 'binaries', apiServerOnHost: true, kindConfig: false, exportsKubeconfig: false, cost: 1 };

/** A TEST provider: its clusters are a record and a file standing in for a kubeconfig. */
class TestProvider implements ClusterProvider {
  constructor(
    readonly name: string,
    private readonly live: InMemoryApp['live'],
    private readonly journal: Journal,
    private readonly behaviour: TestBehaviour,
    private readonly home: string,
  ) {}

  async create(req: CreateRequest, ctx: ProviderContext): Promise<ClusterRecord> {
    this.journal.push(`create ${req.name}`);
    this.behaviour.onCreate?.(req, this.name);
    if (ctx.signal?.aborted) throw new Error('interrupted while coming up');
    const kubeconfig = join(this.home, `${req.name}.stand-in-kubeconfig.json`);
    const rec: ClusterRecord = {
      name: req.name,
      provider: this.name,
      state: 'ready',
      createdAt: new Date().toISOString(),
      image: requestedImage(req),
      binDir: requestedBinDir(req),
      kubernetesVersion: req.kubernetesVersion,
      commit: req.commit,
      kubeconfig,
      profile: req.profile,
    };
    writeFileSync(kubeconfig, JSON.stringify(rec));
    ctx.store.saveCluster(rec);
    this.live.set(req.name, { provider: this.name });
    return rec;
  }

  async delete(rec: ClusterRecord, ctx: ProviderContext): Promise<void> {
    this.journal.push(`delete ${rec.name}`);
    this.behaviour.onDelete?.(rec.name);
    this.live.delete(rec.name);
    ctx.store.removeCluster(rec.name);
  }

  async listLive(): Promise<LiveCluster[]> {
    return [...this.live].filter(([, c]) => c.provider === this.name).map(([name, c]) => ({ name, ownedByKindlab: !c.foreign }));
  }

  async available(): Promise<true | string> {
    return this.behaviour.available?.[this.name] ?? true;
  }
}

/** A stand-in kube-apiserver that only answers --version: the binaries side's version. */
function standInBinaries(home: string, version: string): string {
  const dir = join(home, 'stand-in-bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kube-apiserver'), `#!/bin/sh\necho "Kubernetes ${version}"\n`);
  chmodSync(join(dir, 'kube-apiserver'), 0o755);
  return dir;
}

export function inMemoryApp(o: { behaviour?: TestBehaviour; binariesVersion?: string; env?: NodeJS.ProcessEnv } = {}): InMemoryApp {
  const home = mkdtempSync(join(tmpdir(), 'kl-inmem-'));
  const journal: Journal = [];
  const live: InMemoryApp['live'] = new Map();
  const progress: string[] = [];
  const behaviour = o.behaviour ?? {};
  const controller = new AbortController();
  const binDir = o.binariesVersion ? standInBinaries(home, o.binariesVersion) : undefined;
  const descriptor = (name: string, capabilities: ProviderCapabilities): ProviderDescriptor => ({
    name,
    summary: `TEST provider (${capabilities.runsFrom})`,
    capabilities,
    load: async () => new TestProvider(name, live, journal, behaviour, home),
    ...(capabilities.runsFrom === 'binaries' ? { defaultBinDir: () => binDir } : {}),
    buildFromRef: async (source, deps) => {
      journal.push(`build ${name} ${source.ref.slice(0, 12)}`);
      behaviour.onBuild?.(name, source.ref);
      if (deps.signal?.aborted) throw new Error('interrupted during the build');
      const dir = standInBinaries(join(home, source.ref), 'v1.37.2');
      const built = { commit: source.ref, version: 'v1.37.2' };
      return capabilities.runsFrom === 'binaries' ? { ...built, binDir: dir } : { ...built, image: `test/node:${source.ref.slice(0, 12)}` };
    },
  });
  const providers = new ProviderRegistry([descriptor('test-api', TEST_API), descriptor('test-nodes', TEST_NODES)], existingDescriptor);
  const clusterApi: ClusterApi = {
    async readInfo(kubeconfig, provider, profileGates): Promise<ClusterInfo> {
      const rec = JSON.parse(readFileSync(kubeconfig, 'utf8')) as ClusterRecord;
      behaviour.onReadInfo?.(rec.name);
      const version = (rec.kubernetesVersion ?? '1.37.2').replace(/^v/, '');
      return { gitVersion: `v${version}`, version, provider, featureGates: profileGates, hasNodes: providers.capabilitiesOf(provider).nodes };
    },
    async runScenario(s, target): Promise<ScenarioResult> {
      const rec = JSON.parse(readFileSync(target.kubeconfigPath, 'utf8')) as ClusterRecord;
      journal.push(`run ${s.id} on ${target.name}`);
      const status = behaviour.scenario?.(s.id, rec) ?? 'passed';
      // a failure is in a step that asserts the feature (what a counter-proof needs to see)
      const steps = status === 'failed' ? [{ name: 'check', status: 'failed' as const, durationMs: 1, assertsFeature: true }] : [];
      return { id: s.id, title: s.title, cluster: target.name, status, steps, logs: [], durationMs: 1, ...(status === 'failed' ? { failedStep: 'check', message: 'TEST: failed as told' } : {}) };
    },
  };
  const app: AppEnv = {
    env: { ...process.env, KINDLAB_LAB_CACHE: join(home, 'no-lab'), ...o.env },
    cwd: home,
    store: new StateStore(join(home, 'state')),
    runner: new ExecaRunner(),
    log: { info: (m) => progress.push(m), warn: (m) => progress.push(`warning: ${m}`), error: (m) => progress.push(`error: ${m}`), debug: () => undefined },
    signal: controller.signal,
    progress: (s) => progress.push(s),
    interactive: false,
    color: false,
    providers,
    clusterApi,
  };
  app.store.ensure();
  return { app, live, journal, progress, abort: () => controller.abort(), behaviour, home };
}

/** A failing build as the real builders report one: a ProcessError with the output's tail. */
export function buildFailure(ref: string): ProcessError {
  return new ProcessError(`go build failed at ${ref.slice(0, 12)}`, ['go', 'build'], 2, 'pkg/x.go:1: syntax error');
}
