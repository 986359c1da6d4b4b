// Looks up a provider by name; implementations are imported lazily.
import type { ProviderName } from '../state/records.js';
import type { ClusterProvider } from './provider.js';

export async function getProvider(name: ProviderName): Promise<ClusterProvider> {
  if (name === 'kind') return new (await import('./kind/provider.js')).KindProvider();
  const mod = await import('./local/provider.js');
  return new mod.LocalProvider();
}
