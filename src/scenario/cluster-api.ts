// The one seam between a run and a cluster's API: reading what a scenario may know about the
// cluster (version, gates, nodes, served APIs) and running a scenario on it. The real one talks
// to the API server through @kubernetes/client-node; the run gets it from AppEnv.clusterApi, so
// the pipeline can be tested in memory with a test one.
import type { ScenarioResult } from '../report/model.js';
import type { RunOptions, RunTarget } from './runner.js';
import type { ClusterInfo, Scenario } from './types.js';

export interface ClusterApi {
  readInfo(kubeconfigPath: string, provider: string, profileGates: Record<string, boolean>, signal?: AbortSignal): Promise<ClusterInfo>;
  runScenario(s: Scenario, target: RunTarget, opts: RunOptions): Promise<ScenarioResult>;
}

/** Imported when first used: the Kubernetes client costs `kindlab --help` about 100 ms. */
export const REAL_CLUSTER_API: ClusterApi = {
  readInfo: async (...a) => (await import('./cluster-info.js')).readClusterInfo(...a),
  runScenario: async (...a) => (await import('./runner.js')).runOne(...a),
};
