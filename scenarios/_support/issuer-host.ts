import { execFileSync } from 'node:child_process';

let host: string | undefined;

/**
 * The address the test issuers listen on and their URLs name. kube-apiserver must reach it both where
 * it runs on this machine (the local provider) and inside a node container of this machine's Docker
 * (kind): the Docker bridge's own address (docker0, usually 172.17.0.1) is a local address of this
 * machine that every container reaches through its network's gateway, even while docker0 itself has
 * no carrier (seen here: an API server in a v1.30.14 kind node fetched the issuers' discovery), and
 * that the machine's LAN does not see. Without that bridge, 127.0.0.1: then only an API server on
 * this machine's network can reach the issuers.
 *
 * Read with `ip` rather than os.networkInterfaces(), which leaves out an interface without carrier:
 * docker0 has none while no container uses Docker's default network (kind's nodes use their own).
 */
export function issuerHost(): string {
  host ??= dockerBridgeAddress() ?? '127.0.0.1';
  return host;
}

/** True where the issuers are reachable only from this machine's own network namespace. */
export const issuerOnLoopbackOnly = (): boolean => issuerHost() === '127.0.0.1';

/** The first IPv4 address of docker0 in `ip -4 -o addr show dev docker0` output (pure). */
export function parseBridgeAddress(ipOutput: string): string | undefined {
  return /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(ipOutput)?.[1];
}

function dockerBridgeAddress(): string | undefined {
  try {
    return parseBridgeAddress(execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', 'docker0'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return undefined; // no `ip`, or no docker0: loopback only
  }
}
