// A name kindlab has no record of: if a provider has a live cluster by that name that kindlab did
// not create, commands that would change or delete it refuse by name (down, reload).
import type { AppEnv } from './env.js';
import { providerContext } from './env.js';

/** The provider that has a live cluster `name` kindlab did not create, if any. */
export async function foreignClusterProvider(app: AppEnv, name: string): Promise<string | undefined> {
  for (const d of app.providers.descriptors) {
    const live = await (await d.load()).listLive(providerContext(app)).catch(() => []);
    if (live.some((c) => c.name === name && !c.ownedByKindlab)) return d.name;
  }
  return undefined;
}
