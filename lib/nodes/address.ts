/**
 * A node's data-center address (nodes.dc_address): an IP address or a host name, nothing else. It
 * ends up in a node's `authorized_keys` (`from=`) and on an `ssh` command line, so it may be neither
 * a pattern (`*`, `?`, `!`, `,`) nor an option (a leading `-`). Plain, for forms and the server alike.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** IPv6 in its textual forms: hex groups, one `::` at most, an IPv4 tail allowed. */
export function isIpv6(value: string): boolean {
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(value) || value.includes(':::') || (value.match(/::/g)?.length ?? 0) > 1)
    return false;
  const parts = value.split(':');
  const last = parts.at(-1) ?? '';
  const v4Tail = last.includes('.');
  if (v4Tail && !isIpv4(last)) return false;
  const groups = (v4Tail ? parts.slice(0, -1) : parts).filter((g, i, all) => g !== '' || (i > 0 && i < all.length - 1));
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g) || g === '')) return false;
  const count = groups.filter(Boolean).length + (v4Tail ? 2 : 0);
  return value.includes('::') ? count < 8 : count === 8;
}

/** Labels of letters, digits and inner dashes; the last not all digits, so 256.0.0.1 is no name. */
export function isHostName(value: string): boolean {
  const labels = value.split('.');
  return value.length <= 253 && labels.every((label) => HOST_LABEL.test(label)) && !/^\d+$/.test(labels.at(-1)!);
}

export function isAddress(value: string): boolean {
  return isIpv4(value) || isIpv6(value) || isHostName(value);
}
