import 'server-only';
import { isAddress } from '@/lib/nodes/address';
import { sh, type ShellCommand } from '@/lib/ssh/shell';

/**
 * The one-time key a relayed install puts on the seed, as one `authorized_keys` line. This line is
 * the security boundary of the relay: whoever holds the private key may do exactly what the line
 * allows, and the line allows one thing only, reading one file from an offset.
 *
 * - `restrict` turns off pty allocation and port, agent and X11 forwarding (and ~/.ssh/rc);
 * - `from=` accepts the key only from the receiver's data-center address;
 * - `command=` replaces whatever the client asks for: the client's command is read from
 *   `$SSH_ORIGINAL_COMMAND` only as the offset, digits only, and the file is a fixed absolute path
 *   quoted by `sh`, so neither a shell, another path nor an option can get in.
 */

/** The comment that marks the relay's keys, so they can be found and removed by job. */
export const RELAY_KEY_PREFIX = 'cbp-relay-';

export function relayKeyComment(jobId: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(jobId)) throw new Error(`Not a job id: ${jobId}`);
  return `${RELAY_KEY_PREFIX}${jobId}`;
}

/**
 * The forced command: the bytes of `file` from the offset the client sends as its command. The
 * offset is at most 18 digits (below 2^63 once 1 is added) with no leading zero, which shell
 * arithmetic would read as octal; `tail -c +N` counts from 1, so it starts at offset + 1.
 */
export function relayReadCommand(file: string): ShellCommand {
  if (!file.startsWith('/')) throw new Error(`The seed's file must be an absolute path: ${file}`);
  if (/[\u0000-\u001f\u007f]/.test(file)) throw new Error('The seed file path contains a control character.');
  return sh`case "$SSH_ORIGINAL_COMMAND" in ''|*[!0-9]*|0?*|???????????????????*) echo 'cbp-relay: send the offset to read from, in decimal digits' >&2; exit 2;; esac; exec tail -c +"$((SSH_ORIGINAL_COMMAND + 1))" -- ${file}`;
}

export type RelayKeyLine = {
  /** `ssh-ed25519 AAAA…`, with or without a comment (it is replaced). */
  publicKey: string;
  /** The receiver's source addresses, already resolved: IP addresses or host names, no patterns. */
  from: string[];
  /** The absolute path of the installed image on the seed. */
  file: string;
  jobId: string;
};

/** The `authorized_keys` line; throws on anything that could break out of its option quoting. */
export function relayAuthorizedKeyLine(line: RelayKeyLine): string {
  const [type, blob] = line.publicKey.trim().split(/\s+/);
  if (type !== 'ssh-ed25519' || !blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob))
    throw new Error('The relay key must be an ssh-ed25519 public key.');
  if (line.from.length === 0 || !line.from.every(isAddress))
    throw new Error(`Not an address to accept the relay key from: ${line.from.join(',')}`);
  const command = optionValue(relayReadCommand(line.file).text);
  return `restrict,from="${line.from.join(',')}",command="${command}" ${type} ${blob} ${relayKeyComment(line.jobId)}`;
}

/**
 * sshd reads an option's value up to the next `"` that is not written `\"`, and keeps every other
 * backslash as it is; so writing each `"` as `\"` gives back exactly the command. A line break would
 * end the line, so none may be in it.
 */
function optionValue(text: string): string {
  if (/[\r\n]/.test(text)) throw new Error('The relay command contains a line break.');
  return text.replace(/"/g, '\\"');
}
