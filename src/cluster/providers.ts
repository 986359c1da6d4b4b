// The one list of real providers. Each provider declares its name and capabilities in its own
// folder; everything else asks a registry (the run's comes from AppEnv.providers), and
// implementations are imported only when used.
import type { ProviderCapabilities, ProviderDescriptor } from './capabilities.js';
import { ProviderRegistry } from './registry.js';
import { kindDescriptor } from './kind/descriptor.js';
import { localDescriptor } from './local/descriptor.js';
import { existingDescriptor } from './existing/descriptor.js';

export const REAL_PROVIDERS = new ProviderRegistry([localDescriptor, kindDescriptor], existingDescriptor);

/** Cheapest first: the order planning prefers them in. */
export const PROVIDERS: readonly ProviderDescriptor[] = REAL_PROVIDERS.descriptors;

export const providerNames = (): string[] => REAL_PROVIDERS.names();
export const providerWith = (pred: (c: ProviderCapabilities) => boolean): ProviderDescriptor | undefined => REAL_PROVIDERS.withCapability(pred);
