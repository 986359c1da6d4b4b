// What the local provider keeps in a cluster's record for itself (ClusterRecord.providerState):
// its binaries, data folder, API server URL and processes. Only this folder reads or writes it;
// the record's other readers see an opaque value.
import type { ClusterRecord } from '../../state/records.js';

export interface LocalProcessRecord {
  component: string;
  pid: number;
  logFile: string;
}

export interface LocalClusterState {
  binDir: string;
  dataDir: string;
  apiServerUrl: string;
  processes: LocalProcessRecord[];
}

/** The local provider's part of a record, when it holds one (a record of another provider does not). */
export function localState(rec: ClusterRecord): LocalClusterState | undefined {
  // records written before providerState existed kept the same block under `local`; reading it
  // lets `kindlab down` stop a cluster started by an earlier kindlab
  const s = rec.providerState ?? (rec as { local?: unknown }).local;
  return isLocalState(s) ? s : undefined;
}

export function withLocalState(rec: ClusterRecord, state: LocalClusterState): ClusterRecord {
  const { local: _old, ...rest } = rec as ClusterRecord & { local?: unknown };
  return { ...rest, providerState: state };
}

/** The processes the record says the cluster runs (none for a record without local state). */
export function localProcesses(rec: ClusterRecord): LocalProcessRecord[] {
  return localState(rec)?.processes ?? [];
}

function isLocalState(s: unknown): s is LocalClusterState {
  if (typeof s !== 'object' || s === null) return false;
  const o = s as Record<string, unknown>;
  return typeof o.binDir === 'string' && typeof o.dataDir === 'string' && typeof o.apiServerUrl === 'string' && Array.isArray(o.processes) && o.processes.every(isProcess);
}

function isProcess(p: unknown): p is LocalProcessRecord {
  if (typeof p !== 'object' || p === null) return false;
  const o = p as Record<string, unknown>;
  return typeof o.component === 'string' && typeof o.pid === 'number' && typeof o.logFile === 'string';
}
