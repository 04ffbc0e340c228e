import net from 'node:net';

/**
 * Which IP addresses the portal's own outbound requests may reach. Users choose the URLs the portal
 * fetches (checksum lists, IMGAPI repositories), so without these rules any of them could make the
 * portal reach into the network it runs in: its loopback services, the cloud's metadata endpoint,
 * private hosts. Pure, so that the configuration can validate PORTAL_OUTBOUND_ALLOW with it.
 */

export type IpFamily = 4 | 6;
export type Cidr = { family: IpFamily; base: bigint; prefix: number; text: string };
/** Why an address is refused: the blocked range it falls in, and what kind of range that is. */
export type BlockedRange = { range: string; kind: string };

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

type Ip = { family: IpFamily; value: bigint };

function parseIp(text: string): Ip | null {
  // A zone (fe80::1%eth0) names an interface, not part of the address.
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 4) return { family, value: ipv4Value(bare) };
  if (family === 6) return { family, value: ipv6Value(bare) };
  return null;
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

/** Only called on text net.isIP accepted as IPv6, so the shape is known to be valid. */
function ipv6Value(text: string): bigint {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groupsOf = (part: string | undefined) => (part ? part.split(':').flatMap(dottedToGroups) : []);
  const before = groupsOf(head);
  const after = groupsOf(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - before.length - after.length).fill('0');
  return [...before, ...zeros, ...after].reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** An IPv6 address may end in dotted IPv4 (::ffff:10.0.0.1): that is its last two groups. */
function dottedToGroups(group: string): string[] {
  if (!group.includes('.')) return [group];
  const value = ipv4Value(group);
  return [(value >> 16n).toString(16), (value & 0xffffn).toString(16)];
}

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function contains(cidr: Cidr, ip: Ip): boolean {
  const shift = BigInt(BITS[cidr.family] - cidr.prefix);
  return cidr.family === ip.family && ip.value >> shift === cidr.base >> shift;
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128). Host bits are ignored: `10.1.2.3/8` is 10.0.0.0/8. */
export function parseCidr(text: string): Cidr {
  const [address = '', prefixText, ...rest] = text.split('/');
  const ip = address.includes('%') ? null : parseIp(address);
  const bits = ip ? BITS[ip.family] : 0;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!ip || rest.length > 0 || !(prefix >= 0 && prefix <= bits)) {
    throw new Error(`"${text}" is not an IP address or a CIDR such as 10.0.0.0/8 or fd00::/8.`);
  }
  const shift = BigInt(bits - prefix);
  return { family: ip.family, base: (ip.value >> shift) << shift, prefix, text };
}

/** A list of CIDRs separated by commas and/or spaces; empty text is an empty list. */
export function parseAllowList(text: string): Cidr[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(parseCidr);
}

const blocked = (entries: [string, string][]) => entries.map(([range, kind]) => ({ cidr: parseCidr(range), kind }));

/** Not globally reachable (IANA's special-purpose registry), with the more specific ranges first. */
const BLOCKED_IPV4 = blocked([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

const BLOCKED_IPV6 = blocked([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'IPv4-compatible (deprecated)'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001::/32', 'Teredo'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local (deprecated)'],
  ['ff00::/8', 'multicast'],
]);

/**
 * IPv6 forms that carry an IPv4 address and reach it: a connection to ::ffff:127.0.0.1 is one to
 * 127.0.0.1, and NAT64 or 6to4 gateways forward to the embedded address.
 */
const EMBEDDING_IPV4: { cidr: Cidr; form: string; shift: bigint }[] = [
  { cidr: parseCidr('::ffff:0:0/96'), form: 'IPv4-mapped', shift: 0n },
  { cidr: parseCidr('::ffff:0:0:0/96'), form: 'IPv4-translated', shift: 0n },
  { cidr: parseCidr('64:ff9b::/96'), form: 'NAT64', shift: 0n },
  { cidr: parseCidr('2002::/16'), form: '6to4', shift: 80n },
];

function embeddedIpv4(ip: Ip): { ip: Ip; form: string } | null {
  const match = EMBEDDING_IPV4.find(({ cidr }) => contains(cidr, ip));
  return match ? { ip: { family: 4, value: (ip.value >> match.shift) & 0xffffffffn }, form: match.form } : null;
}

function builtInBlock(ip: Ip): BlockedRange | null {
  const found = (ip.family === 4 ? BLOCKED_IPV4 : BLOCKED_IPV6).find(({ cidr }) => contains(cidr, ip));
  return found ? { range: found.cidr.text, kind: found.kind } : null;
}

/**
 * The blocked range `address` falls in, or null when the portal may connect to it: a public
 * address, or one inside a CIDR of `allow`. An IPv6 form of an IPv4 address is judged (and allowed)
 * as that IPv4 address. Anything that is not an IP address is refused.
 */
export function blockedRange(address: string, allow: readonly Cidr[]): BlockedRange | null {
  const ip = parseIp(address);
  if (!ip) return { range: address, kind: 'not an IP address' };
  if (allow.some((cidr) => contains(cidr, ip))) return null;
  const embedded = ip.family === 6 ? embeddedIpv4(ip) : null;
  if (embedded) {
    if (allow.some((cidr) => contains(cidr, embedded.ip))) return null;
    const inner = builtInBlock(embedded.ip);
    if (inner)
      return { range: inner.range, kind: `${inner.kind} ${ipv4Text(embedded.ip.value)} in ${embedded.form} form` };
  }
  return builtInBlock(ip);
}
