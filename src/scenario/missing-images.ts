// Which of the images a scenario needs the nodes of a cluster lack (pure; the runner skips the
// scenario naming them, `run` loads them first where the provider can).
import type { ClusterInfo } from './types.js';

/**
 * Images (by full reference, or by a name the node reports with a registry prefix) that neither
 * the ready nodes report nor kindlab loaded. A cluster without nodes, or whose images could not be
 * read, lacks nothing the runner could know of.
 */
export function missingImages(images: readonly string[], info: ClusterInfo): string[] {
  if (!info.hasNodes || !info.nodeImages) return [];
  const have = new Set([...info.nodeImages, ...(info.loadedImages ?? [])]);
  return images.filter((i) => !have.has(i) && ![...have].some((h) => h.endsWith(`/${i}`)));
}
