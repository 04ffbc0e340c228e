/** The commands the benchmark runs, and what it reads about its own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** Every command still running, so that cleanup can end them even when the benchmark is interrupted. */
const running = new Set<ChildProcess>();

export function stopRunningCommands(): void {
  for (const child of running) child.kill('SIGTERM');
}

export type CommandResult = { code: number | null; stdout: string; stderr: string };

/** Runs a command without blocking the event loop (the engine may be running in this process). */
export function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; passStderr?: boolean } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (options.passStderr) process.stderr.write(d);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function mustRun(command: string, args: string[]): Promise<string> {
  const result = await runCommand(command, args);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Flushes dirty pages, so one run's writeback never lands in the next run's timing. */
export const sync = () => mustRun('sync', []);

export async function sha256sum(file: string): Promise<string> {
  return (await mustRun('sha256sum', ['--', file])).split(/\s+/)[0]!;
}

/**
 * Bytes this process has handed to write(2) and friends so far (/proc/self/io wchar): during an
 * install almost all of it is the SSH stream, so it counts what went over the wire independently
 * of the engine's own bookkeeping. Null where /proc is unavailable.
 */
export function bytesWritten(): number | null {
  try {
    return Number(/^wchar:\s*(\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
}

const RSS_SAMPLE_MS = 20;

/** This process's RSS (where a job under measurement runs), sampled until stopped. */
export function sampleRss() {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return { baseline, peak: Math.max(peak, process.memoryUsage.rss()) };
    },
  };
}
