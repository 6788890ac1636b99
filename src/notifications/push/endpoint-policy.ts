/*
 * Which push endpoints Parley will call. A subscription is whatever a client
 * sends, so an endpoint is attacker-chosen: it must be https and its host
 * must not resolve to a loopback, private, link-local or otherwise internal
 * address, or a push would be a request into the operator's own network
 * (SSRF). Checked when a subscription is registered (a DNS lookup, never a
 * request) and again before each push, since a name can be re-pointed after
 * registration. PUSH_ALLOW_INSECURE_ENDPOINTS (tests, development) allows
 * http: and local addresses.
 */
import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns/promises';

const INTERNAL = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv6');
}

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1], 'ipv4');
  return INTERNAL.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** Why `endpoint` may not be called, or undefined when it may. */
export async function refuseEndpoint(endpoint: string, allowInsecure: boolean): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'endpoint must be a URL';
  }
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) return 'endpoint must be an https URL';
  if (url.username || url.password) return 'endpoint must not carry credentials';
  if (allowInsecure) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    return 'endpoint host does not resolve';
  }
  if (addresses.some(isInternalAddress)) return 'endpoint must not be a loopback or private address';
  return undefined;
}
