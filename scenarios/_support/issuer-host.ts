import { execFileSync } from 'node:child_process';

let host: string | undefined;

/**
 * The address the test issuers listen on and their URLs name. kube-apiserver must reach it both where
 * it runs on this machine (the local provider) and inside a node container of this machine's Docker
 * (kind): this machine's address on the interface of its default route is one both reach (a node
 * container through its network's gateway). A Docker bridge's address is not dependable: on this
 * project's CI machine docker0, without carrier while no container uses it, answered neither a kind
 * node nor this machine itself. Without a default route, 127.0.0.1: then only an API server on this
 * machine's network can reach the issuers.
 *
 * The issuers serve discovery documents and public keys of TEST-ONLY signing keys, nothing secret.
 */
export function issuerHost(): string {
  host ??= defaultRouteAddress() ?? '127.0.0.1';
  return host;
}

/** True where the issuers are reachable only from this machine's own network namespace. */
export const issuerOnLoopbackOnly = (): boolean => issuerHost() === '127.0.0.1';

/** The device of `ip -4 route show default` output (pure). */
export function parseDefaultDevice(routes: string): string | undefined {
  return /^default\b.*\bdev (\S+)/m.exec(routes)?.[1];
}

/** The first IPv4 address in `ip -4 -o addr show dev <dev>` output (pure). */
export function parseInterfaceAddress(ipOutput: string): string | undefined {
  return /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(ipOutput)?.[1];
}

function defaultRouteAddress(): string | undefined {
  const ip = (args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const dev = parseDefaultDevice(ip(['-4', 'route', 'show', 'default']));
    return dev ? parseInterfaceAddress(ip(['-4', '-o', 'addr', 'show', 'dev', dev])) : undefined;
  } catch {
    return undefined; // no `ip` here: loopback only
  }
}
