import 'server-only';
import type { SshSession } from '@/lib/ssh/session';
import { sh, type ShellCommand } from '@/lib/ssh/shell';
import { RELAY_KEY_PREFIX } from './authorized-key';

/**
 * The relay's keys in the seed's `~/.ssh/authorized_keys` (the file sshd reads for the portal's SSH
 * user). Every change rewrites the file whole under a lock: the lines kept are copied to a temporary
 * file beside it, which is renamed over it, so sshd reads either the old file or the new one and
 * another writer (another job, another portal sharing the node) never loses a line. Lines that are
 * not the relay's are never touched.
 */

/**
 * Rewrites the file without the lines containing any of `drop` (fixed strings), then appends `add`.
 * `~/.ssh` is created 0700 when missing, the file is 0600.
 */
function rewriteAuthorizedKeys(drop: string[], add: ShellCommand): ShellCommand {
  const patterns = drop.flatMap((needle) => ['-e', needle]);
  return sh`umask 077
[ -d "$HOME/.ssh" ] || mkdir -m 700 -- "$HOME/.ssh" || exit 1
command -v flock >/dev/null 2>&1 || { echo 'flock is missing on the node' >&2; exit 1; }
keys="$HOME/.ssh/authorized_keys"
exec 9>>"$HOME/.ssh/.cbp-relay.lock" || exit 1
flock -w 30 9 || { echo 'another change to ~/.ssh/authorized_keys held its lock for 30 s' >&2; exit 1; }
tmp="$keys.cbp-relay.$$"
if [ -f "$keys" ]; then
  grep -vF ${patterns} -- "$keys" > "$tmp"
  [ $? -le 1 ] || { rm -f -- "$tmp"; exit 1; }
else
  : > "$tmp"
fi
${add}
chmod 600 -- "$tmp" && mv -f -- "$tmp" "$keys"`;
}

/** The key's base64 blob: what identifies its line, whatever options and comment surround it. */
function keyBlob(publicKey: string): string {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (!blob) throw new Error('Not an OpenSSH public key.');
  return blob;
}

/** Adds the one-time key's line (./authorized-key.ts); a line with the same key is replaced. */
export async function addRelayKey(session: SshSession, publicKey: string, line: string): Promise<void> {
  await session.run(
    rewriteAuthorizedKeys([keyBlob(publicKey)], sh`printf '%s\n' ${line} >> "$tmp" || exit 1`),
    'Authorising the copy on the seed',
  );
}

/** Removes the one-time key's line, leaving every other line as it was. */
export async function removeRelayKey(session: SshSession, publicKey: string): Promise<void> {
  await session.run(rewriteAuthorizedKeys([keyBlob(publicKey)], sh`:`), 'Removing the copy key from the seed');
}

/** The job ids of the relay keys in the file (their comments say `cbp-relay-<job id>`). */
export async function listRelayKeyJobs(session: SshSession): Promise<string[]> {
  const out = await session.run(
    sh`grep -oE -- ${` ${RELAY_KEY_PREFIX}[A-Za-z0-9-]+$`} "$HOME/.ssh/authorized_keys" 2>/dev/null; true`,
    'Listing copy keys on the seed',
  );
  return [...new Set(out.split('\n').map((l) => l.trim().slice(RELAY_KEY_PREFIX.length)))].filter(Boolean);
}

/** Removes the keys of these jobs: a sweep of keys whose job ended without removing them (a crash). */
export async function removeRelayKeysOfJobs(session: SshSession, jobIds: string[]): Promise<void> {
  if (jobIds.length === 0) return;
  await session.run(
    rewriteAuthorizedKeys(
      jobIds.map((id) => ` ${RELAY_KEY_PREFIX}${id}`),
      sh`:`,
    ),
    'Removing stale copy keys from the seed',
  );
}
