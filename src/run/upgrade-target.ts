// Step (--upgrade-to): the ref to upgrade to resolved and checked against the run's target before
// anything is built or created: a skew the policy refuses, a tree without a version, or a planned
// cluster whose provider cannot upgrade stops the run here. Each cluster gets a worker, so the
// upgrade covers both kinds of node.
import { UsageError } from '../errors.js';
import { archiveFiles } from '../images/supply.js';
import { canUpgrade } from '../cluster/provider.js';
import { chooseKubeRoot } from '../source/kube-root.js';
import { providerVersion } from '../target/resolve.js';
import { checkUpgrade } from '../upgrade/skew.js';
import { upgradeTarget } from '../workflows/upgrade.js';
import { needs } from './context.js';
import type { RunStep } from './steps.js';

export const upgradeTargetStep: RunStep = {
  name: 'upgrade-target',
  why: 'an upgrade the skew policy refuses, or a cluster that cannot be upgraded, stops the run before anything is built',
  async run(ctx) {
    const up = ctx.request.upgrade;
    if (!up) return;
    const { app } = ctx;
    if (up.images?.length) archiveFiles(up.images); // a path that is not there: said now
    const kubeRoot = chooseKubeRoot(up.kubeRoot, app.env, app.cwd);
    const { src, version } = await upgradeTarget(app, kubeRoot, up.to);
    for (const c of needs(ctx.plan, 'the plan', 'upgrade-target').clusters) {
      if (!canUpgrade(await app.providers.get(c.provider))) {
        throw new UsageError(`--upgrade-to: cluster ${c.name} is planned on the ${c.provider} provider, which cannot upgrade a running cluster`, { hint: 'kindlab upgrades kind clusters (kubeadm): add --provider kind' });
      }
      // kubeadm upgrades a worker differently (`upgrade node`): every upgraded cluster has one.
      if (app.providers.capabilitiesOf(c.provider).nodes) c.profile.workers = Math.max(1, c.profile.workers);
      checkUpgrade(`v${providerVersion(app, needs(ctx.resolved, 'the target', 'upgrade-target'), c.provider)}`, version, { kubeletsStay: up.kubeletsStay });
    }
    ctx.upgradeTo = { version, describe: src.describe, kubeRoot: kubeRoot.path };
  },
};
