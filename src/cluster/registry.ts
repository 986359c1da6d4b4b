// A set of providers, asked by capability. The real set is src/cluster/providers.ts; the run gets
// its registry from its environment (AppEnv.providers), so a test can drive the real steps with a
// test provider of its own.
import { UsageError } from '../errors.js';
import type { ProviderCapabilities, ProviderDescriptor } from './capabilities.js';
import type { ClusterProvider } from './provider.js';

export class ProviderRegistry {
  /** Cheapest first: the order planning prefers them in. */
  readonly descriptors: readonly ProviderDescriptor[];

  constructor(
    descriptors: readonly ProviderDescriptor[],
    /** Stands for clusters kindlab did not make (run --cluster/--kubeconfig); never chosen by planning. */
    readonly existing: ProviderDescriptor,
  ) {
    this.descriptors = [...descriptors].sort((a, b) => a.capabilities.cost - b.capabilities.cost);
  }

  names(): string[] {
    return this.descriptors.map((p) => p.name);
  }

  has(name: string): boolean {
    return this.descriptors.some((p) => p.name === name);
  }

  describe(name: string): ProviderDescriptor {
    if (name === this.existing.name) return this.existing;
    const d = this.descriptors.find((p) => p.name === name);
    if (!d) throw new UsageError(`unknown provider "${name}"`, { hint: `kindlab knows: ${this.names().join(', ')}` });
    return d;
  }

  capabilitiesOf(name: string): ProviderCapabilities {
    return this.describe(name).capabilities;
  }

  /** The first provider (cheapest first) with a capability, e.g. the one that runs nodes. */
  withCapability(pred: (c: ProviderCapabilities) => boolean): ProviderDescriptor | undefined {
    return this.descriptors.find((p) => pred(p.capabilities));
  }

  /** Every provider's capabilities by name, cheapest first (what the planner is given). */
  capabilities(): Record<string, ProviderCapabilities> {
    return Object.fromEntries(this.descriptors.map((p) => [p.name, p.capabilities]));
  }

  async get(name: string): Promise<ClusterProvider> {
    return this.describe(name).load();
  }
}
