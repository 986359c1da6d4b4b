// Pure: how a lab build is told to people (`kindlab lab build`, `npm run lab`). The binaries
// folder is the last line, so scripts can take it with `| tail -1`.
import type { LabResult } from './lab.js';

/** The same for scripts (-o json / --json). */
export function labJson(r: LabResult): string {
  return JSON.stringify({ binDir: r.binDir, cacheHit: r.cacheHit, seconds: r.seconds, manifest: r.manifest }, null, 2) + '\n';
}

export function labSummary(r: LabResult): string {
  const m = r.manifest;
  return [
    `Kubernetes ${m.kubernetes.version} (${m.kubernetes.binaries.map((b) => b.name).join(', ')}): ${r.cacheHit.kubernetes ? 'cached' : `built in ${m.kubernetes.buildSeconds}s`} with go${m.kubernetes.go}${m.kubernetes.gotoolchain ? ` (GOTOOLCHAIN=${m.kubernetes.gotoolchain})` : ''}, commit ${m.kubernetes.gitCommit}`,
    `etcd ${m.etcd.version} (${m.etcd.reason}${m.etcd.kubeadmEtcdVersion && m.etcd.kubeadmEtcdVersion !== m.etcd.version ? `, kubeadm: ${m.etcd.kubeadmEtcdVersion}` : ''}): ${r.cacheHit.etcd ? 'cached' : `built in ${m.etcd.buildSeconds}s`}`,
    `total ${r.seconds}s`,
    r.binDir,
  ].join('\n') + '\n';
}
