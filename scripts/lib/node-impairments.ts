/**
 * Ways a test node can be worse than a healthy one, set up in its sshd_config by SshNode: a slow
 * link for SFTP uploads, and missing programs.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Copies stdin to stdout at no more than argv[2] bytes a second. */
const THROTTLE_SOURCE = `const rate = Number(process.argv[2]);
const start = Date.now();
let passed = 0;
process.stdin.on('data', (chunk) => {
  process.stdin.pause();
  passed += chunk.length;
  const wait = start + (passed / rate) * 1000 - Date.now();
  setTimeout(() => process.stdout.write(chunk, () => process.stdin.resume()), Math.max(0, wait));
});
process.stdin.on('end', () => process.stdout.end());
`;

/**
 * The same limit for a program's output, to its very end: every chunk is written before the next
 * is read, and a reader that goes away (a cancelled copy) ends it quietly.
 */
const OUTPUT_THROTTLE_SOURCE = `const rate = Number(process.argv[2]);
const start = Date.now();
let passed = 0;
process.stdout.on('error', () => process.exit(0));
(async () => {
  for await (const chunk of process.stdin) {
    passed += chunk.length;
    const wait = start + (passed / rate) * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
})();
`;

function throttleScript(baseDir: string, name = 'throttle.cjs', source = THROTTLE_SOURCE): string {
  const throttle = path.join(baseDir, name);
  fs.writeFileSync(throttle, source);
  return throttle;
}

/** An sftp subsystem: OpenSSH's own sftp-server behind a limit on what the client sends. */
export function throttledSftpServer(baseDir: string, bytesPerSecond: number): string {
  const throttle = throttleScript(baseDir);
  const wrapper = path.join(baseDir, 'sftp-throttled');
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\n${process.execPath} ${throttle} ${bytesPerSecond} | exec /usr/lib/openssh/sftp-server\n`,
    { mode: 0o755 },
  );
  return wrapper;
}

/**
 * What a test node's PATH leaves out or watches; `tailRate` limits what `tail` writes, in bytes a
 * second, so a relayed copy from the node (its forced command runs tail) can be caught mid-way.
 */
export type ToolOptions = { hide: string[]; count: string[]; tailRate?: number };

/** Where a node with counted tools logs each call: one line per call, the tool and its arguments. */
export function toolCallLog(baseDir: string): string {
  return path.join(baseDir, 'tool-calls.log');
}

/**
 * A directory for PATH: links to every program in the system's bin directories except the hidden
 * ones, and for each counted one a wrapper that logs the call before running the real program.
 */
export function nodeBin(baseDir: string, tools: ToolOptions): string {
  const bin = path.join(baseDir, 'bin');
  fs.rmSync(bin, { recursive: true, force: true });
  fs.mkdirSync(bin, { mode: 0o755 });
  const log = toolCallLog(baseDir);
  if (tools.count.length > 0) {
    fs.writeFileSync(log, '');
    fs.chmodSync(log, 0o666); // the node user appends to it
  }
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) {
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const entry = path.join(bin, name);
      if (tools.hide.includes(name) || fs.existsSync(entry)) continue;
      if (name === 'tail' && tools.tailRate) {
        const throttle = throttleScript(baseDir, 'throttle-output.cjs', OUTPUT_THROTTLE_SOURCE);
        fs.writeFileSync(
          entry,
          `#!/bin/sh\n${path.join(dir, name)} "$@" | exec ${process.execPath} ${throttle} ${tools.tailRate}\n`,
          { mode: 0o755 },
        );
      } else if (tools.count.includes(name)) {
        fs.writeFileSync(
          entry,
          `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> ${log}\nexec ${path.join(dir, name)} "$@"\n`,
          { mode: 0o755 },
        );
      } else {
        fs.symlinkSync(path.join(dir, name), entry);
      }
    }
  }
  return bin;
}
