// kindlab's own package.json, read once: its version and the Node versions it supports.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  version: string;
  /** `engines.node`, e.g. '>=20.5'. */
  nodeRange: string;
  /** Where the package is (a clone, or node_modules/kindlab). */
  root: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version: string; engines?: { node?: string } };
  cached = { version: pkg.version, nodeRange: pkg.engines?.node ?? '*', root: fileURLToPath(new URL('.', url)) };
  return cached;
}
