import 'server-only';
import { isIP } from 'node:net';
import { TransientError, UnavailableError } from '@/lib/errors';
import type { ImageFiles } from '@/lib/nodes/paths';
import type { SshSession } from '@/lib/ssh/session';
import { sh } from '@/lib/ssh/shell';

/**
 * The receiver's side of a relayed install: the node runs OpenSSH's `ssh` to the seed with the
 * one-time key and appends what the seed's forced command sends (the image from `offset`) to its
 * `.part`. The key and a known_hosts line holding the seed's pinned host key arrive on stdin and
 * live in a private temporary directory (0700, files 0600) that is removed whatever happens.
 *
 * Like a download, the shell writes its pid to the `.part.pid` (its command line names the
 * `.part`), so a cancel, or the next attempt, stops it with `stopEarlierDownload`; it passes the
 * TERM on to ssh.
 */

export type CopyFrom = {
  /** The seed's data-center address and sshd port, and the user the key is authorised for. */
  address: string;
  port: number;
  user: string;
  /** `[address]:port ssh-ed25519 AAAA…`: the only host key the receiver accepts. */
  knownHostsLine: string;
  privateKey: string;
  /** The receiver's own data-center address, the source the seed's `from=` accepts. */
  sourceAddress: string;
  offset: number;
};

/** The copy could not be made: the install goes on directly instead. */
export class RelayFailedError extends UnavailableError {}

/** The connection to the receiver itself dropped: the attempt retries, as any transfer's would. */
export class ReceiverLostError extends TransientError {}

// ssh's own failures (connect, host key, authentication, timeout) exit 255; the forced command's refusal 2.
const SSH_FAILED = 255;
const NO_SSH_CLIENT = 127;

export async function copyFromSeed(
  session: SshSession,
  files: ImageFiles,
  from: CopyFrom,
  signal: AbortSignal,
): Promise<void> {
  if (/[\r\n]/.test(from.knownHostsLine)) throw new RelayFailedError('The seed host key line has a line break.');
  // Bind the source address when it is an address of the receiver (a node with several, as loopback
  // test nodes all are); when it is not, ssh says "bind …" at once and the copy runs unbound.
  const bind = isIP(from.sourceAddress) ? from.sourceAddress : '';
  const result = await session.exec(
    sh`umask 077
echo $$ > ${files.partPid}
t=$TMPDIR; [ -n "$t" ] || t=/tmp
d=$(mktemp -d "$t/cbp-relay.XXXXXX") || exit 1
child=
trap 'rm -rf -- "$d"' EXIT
trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 143' TERM HUP INT
IFS= read -r hosts || exit 1
printf '%s\n' "$hosts" > "$d/known_hosts" && cat > "$d/key" || exit 1
command -v ssh >/dev/null 2>&1 || { echo 'the node has no ssh client' >&2; exit ${NO_SSH_CLIENT}; }
copy() {
  ssh -n -T -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -o IdentityAgent=none -i "$d/key" \\
    -o UserKnownHostsFile="$d/known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \\
    -o ConnectTimeout=20 -o ServerAliveInterval=15 -o ServerAliveCountMax=4 -o LogLevel=ERROR \\
    -o ClearAllForwardings=yes "$@" -p ${from.port} -l ${from.user} -- ${from.address} ${from.offset} >> ${files.part} 2> "$d/err" &
  child=$!
  wait "$child"
}
b=${bind}
if [ -n "$b" ]; then copy -b "$b"; else copy; fi
rc=$?
if [ "$rc" = ${SSH_FAILED} ] && [ -n "$b" ] && grep -q '^bind ' "$d/err"; then copy; rc=$?; fi
# What ssh was given, should it have refused its key: the next failure says whether it arrived whole.
if grep -q '^Load key' "$d/err"; then echo "(the key file had $(wc -c < "$d/key") bytes)" >> "$d/err"; fi
child=
cat -- "$d/err" >&2
exit "$rc"`,
    { stdin: `${from.knownHostsLine}\n${from.privateKey}`, signal, timeoutMs: null },
  );
  if (result.code === 0) return;
  if (signal.aborted) throw new UnavailableError('The copy was stopped.');
  if (result.code === null && !result.signal)
    throw new ReceiverLostError('The copy was cut off: the SSH connection to the node closed before it finished.');
  const said = result.stderr.trim().split('\n').slice(-3).join(' ');
  const why =
    result.code === SSH_FAILED
      ? `it could not connect to the seed or log in there${said ? ` (${said})` : ''}`
      : said || `ssh exited with status ${result.code ?? result.signal}`;
  throw new RelayFailedError(why);
}

/** The known_hosts line for the seed's host key blob, as the receiver's ssh looks it up. */
export function knownHostsLine(address: string, port: number, hostKey: Buffer): string {
  const typeLength = hostKey.length >= 4 ? hostKey.readUInt32BE(0) : 0;
  const type = hostKey.subarray(4, 4 + typeLength).toString('latin1');
  if (!/^[a-z0-9@.-]+$/.test(type)) throw new RelayFailedError('The seed presented an unreadable host key.');
  const host = port === 22 ? address : `[${address}]:${port}`;
  return `${host} ${type} ${hostKey.toString('base64')}`;
}
