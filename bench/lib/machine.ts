/**
 * The machine the figures were measured on. They compare processes that share its cores, so
 * anything else running at the time skews them: the report says how busy it was.
 */
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { round } from './figures';
import { runCommand } from './processes';

export type MachineAtStart = { idlePercent: number | null; loadAverage: number };

/** Takes a second: the idle share of the CPUs over it. */
export async function machineAtStart(): Promise<MachineAtStart> {
  const loadAverage = os.loadavg()[0]!;
  return { idlePercent: await idlePercent(1000), loadAverage };
}

export async function machineReport(atStart: MachineAtStart) {
  return {
    cpus: os.cpus().length,
    memory_gb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    openssh: (await runCommand('ssh', ['-V'])).stderr.trim(),
    // Idle CPU over the second before the benchmark: well below 100 means something else shared the cores.
    idle_percent_at_start: round(atStart.idlePercent, 0),
    load_average_start: round(atStart.loadAverage, 2),
    load_average_end: round(os.loadavg()[0], 2),
  };
}

// Linux's USER_HZ: /proc/stat and /proc/<pid>/stat count CPU time in these.
export const USER_HZ = 100;

/**
 * CPU-seconds all cores have spent busy (not idle or waiting on I/O) since boot (/proc/stat), or
 * null where /proc is unavailable: the difference over a run is what everything on the machine
 * used for it, the server on the other end included.
 */
export function machineBusySeconds(): number | null {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const busy = fields.reduce((a, b) => a + b, 0) - fields[3]! - (fields[4] ?? 0);
    return busy / USER_HZ;
  } catch {
    return null;
  }
}

/** The share of CPU time all cores spent idle over `ms` (/proc/stat); null where /proc is unavailable. */
async function idlePercent(ms: number): Promise<number | null> {
  const read = () => {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: fields[3]! + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await sleep(ms);
    const b = read();
    return ((b.idle - a.idle) / Math.max(b.total - a.total, 1)) * 100;
  } catch {
    return null;
  }
}
