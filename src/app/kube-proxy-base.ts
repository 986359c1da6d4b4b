// The image a new kube-proxy image is layered on (it runs iptables/nft), for upgrades and reloads.
import type { AppEnv } from './env.js';
import { Docker } from '../docker/docker.js';
import { UsageError } from '../errors.js';
import { Kind } from '../kind/driver.js';

/** kube-proxy's base: --base-image, else $KINDLAB_BASE_IMAGE (as for kindlab build), else the base image kind builds node images from; it must be in the local daemon. */
export async function kubeProxyBaseImage(app: AppEnv, given: string | undefined): Promise<string> {
  const image = given ?? (app.env.KINDLAB_BASE_IMAGE || undefined) ?? (await new Kind(app.runner, app.signal).defaultBaseImage());
  if (app.dryRun) return image ?? "<kind's default base image>";
  if (!image || !(await new Docker(app.runner, app.signal).imageInfo(image))) {
    throw new UsageError(`kube-proxy's image is layered on a base image with iptables, and ${image ? `${image} is not in the local docker daemon` : 'kind does not name its default one'}`, {
      hint: 'pass --base-image (the lab builds one: npm run lab -- node prints BASE_IMAGE=)',
    });
  }
  return image;
}
