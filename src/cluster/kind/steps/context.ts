// State shared by the steps of creating a kind cluster.
import type { CreateRequest, ProviderContext } from '../../provider.js';

export interface KindStepContext {
  req: CreateRequest;
  ctx: ProviderContext;
  clusterDir: string;
  configFile: string;
  kubeconfig: string;
  logFile: string;
  kindVersion?: string;
  /** The cgroup version of docker's host (for kubelet settings the host needs). */
  hostCgroup?: '1' | '2';
  kindConfigYaml?: string;
  /** Images loaded into the nodes after creation. */
  loadedImages?: string[];
}
