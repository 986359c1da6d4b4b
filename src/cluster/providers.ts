// The one list of providers. Each provider declares its name and capabilities in its own folder;
// everything else asks this registry, and implementations are imported only when used.
import { UsageError } from '../errors.js';
import type { ProviderCapabilities, ProviderDescriptor } from './capabilities.js';
import type { ClusterProvider } from './provider.js';
import { kindDescriptor } from './kind/descriptor.js';
import { localDescriptor } from './local/descriptor.js';

/** Cheapest first: the order planning prefers them in. */
export const PROVIDERS: readonly ProviderDescriptor[] = [localDescriptor, kindDescriptor].sort((a, b) => a.capabilities.cost - b.capabilities.cost);

export const providerNames = (): string[] => PROVIDERS.map((p) => p.name);

export function describeProvider(name: string): ProviderDescriptor {
  const d = PROVIDERS.find((p) => p.name === name);
  if (!d) throw new UsageError(`unknown provider "${name}"`, { hint: `kindlab knows: ${providerNames().join(', ')}` });
  return d;
}

export const capabilitiesOf = (name: string): ProviderCapabilities => describeProvider(name).capabilities;

/** The first provider (cheapest first) with a capability, e.g. the one that runs nodes. */
export function providerWith(pred: (c: ProviderCapabilities) => boolean): ProviderDescriptor | undefined {
  return PROVIDERS.find((p) => pred(p.capabilities));
}

export async function getProvider(name: string): Promise<ClusterProvider> {
  return describeProvider(name).load();
}
