import { isIP } from 'node:net';

/**
 * A node's data-center address (nodes.dc_address): an IP address or a host name, nothing else. It
 * ends up in a node's `authorized_keys` (`from=`) and on an `ssh` command line, so it may be neither
 * a pattern (`*`, `?`, `!`, `,`) nor an option (a leading `-`).
 */

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Labels of letters, digits and inner dashes; the last not all digits, so 256.0.0.1 is no name. */
function isHostName(value: string): boolean {
  const labels = value.split('.');
  return value.length <= 253 && labels.every((label) => HOST_LABEL.test(label)) && !/^\d+$/.test(labels.at(-1)!);
}

/** The address a node's peers reach it on (nodes.dc_address), its host unless one is set. */
export function dataCenterAddress(node: { host: string; dcAddress: string | null }): string {
  return node.dcAddress ?? node.host;
}

export function isAddress(value: string): boolean {
  return isIP(value) !== 0 || isHostName(value);
}
