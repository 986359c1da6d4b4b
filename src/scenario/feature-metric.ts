// The one parser of kube-apiserver's `kubernetes_feature_enabled` metric (1.26+): which gates the
// running binary has, and whether each is on. Used by the cluster facts a run reads and by
// scenarios (exported from 'kindlab').
export function parseFeatureMetric(text: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const m of text.matchAll(/^kubernetes_feature_enabled\{[^}]*name="([^"]+)"[^}]*\}\s+([01])\s*$/gm)) out[m[1]!] = m[2] === '1';
  return out;
}
