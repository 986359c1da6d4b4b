// Pure rules for turning what the user typed into git revisions to try, and git describe
// output into a docker-safe image tag.

/** Revisions to try, most specific first: exact tag, local branch, remote branch, raw rev. */
export function refCandidates(ref: string): string[] {
  if (/^[0-9a-f]{7,40}$/i.test(ref)) return [ref];
  if (ref === 'HEAD' || ref.startsWith('refs/')) return [ref];
  return [`refs/tags/${ref}`, `refs/heads/${ref}`, `refs/remotes/${ref}`, ref];
}

/**
 * Docker tags: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. git describe output may hold `+` or `/`
 * (e.g. from branch-like tags); those become `-`. Long tags keep their end (the commit part).
 */
export function dockerSafeTag(describe: string): string {
  let tag = describe.replace(/[^A-Za-z0-9_.-]/g, '-');
  if (!/^[A-Za-z0-9_]/.test(tag)) tag = `v${tag}`;
  if (tag.length > 128) tag = tag.slice(tag.length - 128).replace(/^[^A-Za-z0-9_]+/, '');
  return tag;
}

export const NODE_IMAGE_REPO = 'kindlab/node';

export function nodeImageName(describe: string): string {
  return `${NODE_IMAGE_REPO}:${dockerSafeTag(describe)}`;
}

/** Kubernetes version from a git describe string (v1.33.0-rc.0-12-gabc → 1.33.0-rc.0), if any. */
export function versionFromDescribe(describe: string): string | undefined {
  const m = /^v?(\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?)/.exec(describe);
  return m?.[1];
}
