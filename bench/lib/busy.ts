/**
 * `--busy`: every transfer figure measured twice in one run, on a quiet machine and on a busy one.
 * Busy means one process that never sleeps, a shell loop: the scheduler gives it a core's worth of
 * CPU, so the transfer and its baseline share what is left of the 2 cores, as they would beside a
 * build or a test suite. The benchmark starts it before each busy measurement and stops it after;
 * it is killed on every exit, and the loop also ends by itself once the benchmark is gone (it
 * checks its parent), so not even a SIGKILL of the benchmark leaves it spinning.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cleanups } from './cleanup';
import { round } from './figures';
import { USER_HZ } from './machine';

export type Load = 'quiet' | 'busy';

/** Runs `measure` with the machine quiet, or with the spinner going for the whole of it. */
export type UnderLoad = <T>(load: Load, measure: () => Promise<T>) => Promise<T>;

// Pure shell arithmetic between checks that the benchmark (its parent) is still there.
const SPIN = 'while kill -0 "$PPID" 2>/dev/null; do n=0; while [ "$n" -lt 50000 ]; do n=$((n + 1)); done; done';

/** The loads every transfer figure is measured under: quiet, and with --busy also busy. */
export function loadsOf(busy: boolean): Load[] {
  return busy ? ['quiet', 'busy'] : ['quiet'];
}

/** A busy measurement's keys end in `_busy` (push_vs_scp_busy); a quiet one's are as they always were. */
export function keysFor(load: Load, keys: Record<string, unknown>): Record<string, unknown> {
  if (load === 'quiet') return keys;
  return Object.fromEntries(Object.entries(keys).map(([key, value]) => [`${key}_busy`, value]));
}

/** The spinner, started and stopped around each busy measurement; `report()` says how busy it kept a core. */
export function busyMachine(cleanups: Cleanups) {
  let child: ChildProcess | undefined;
  let spunSeconds = 0;
  let wallSeconds = 0;
  let startedAt = 0;
  const kill = () => child?.kill('SIGKILL');
  const stop = async () => {
    const spinner = child;
    if (!spinner) return;
    spunSeconds += cpuSeconds(spinner.pid!);
    wallSeconds += (performance.now() - startedAt) / 1000;
    const exited = new Promise((resolve) => spinner.once('exit', resolve));
    kill();
    child = undefined;
    process.off('exit', kill);
    await exited;
  };
  cleanups.push(stop);

  const under: UnderLoad = async (load, measure) => {
    if (load === 'quiet') return measure();
    child = spawn('sh', ['-c', SPIN], { stdio: 'ignore' });
    process.once('exit', kill);
    startedAt = performance.now();
    // Running, and on a core, before anything is timed.
    await sleep(200);
    try {
      return await measure();
    } finally {
      await stop();
    }
  };
  return {
    under,
    /** The spinner's CPU over the time it ran: 100 = it had a whole core. */
    report: () => ({ busy_spinner_cpu_percent: round((spunSeconds / Math.max(wallSeconds, 1e-9)) * 100, 0) }),
  };
}

/** User plus system time of a process so far, from /proc; 0 where /proc is unavailable. */
function cpuSeconds(pid: number): number {
  try {
    // The fields after the command name, which is in parentheses and may contain spaces.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return 0;
  }
}
