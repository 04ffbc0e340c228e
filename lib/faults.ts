import 'server-only';

/**
 * Crash points for tests of crash safety. With PORTAL_FAULT_POINT set to a point's name, the process
 * kills itself there with SIGKILL, exactly as a power cut or `kill -9` would: no cleanup, no final
 * writes. Unset (always, outside such tests), a fault point does nothing.
 */
export type FaultPoint = 'install:after-commit';

export function faultPoint(name: FaultPoint): void {
  if (process.env.PORTAL_FAULT_POINT === name) {
    console.error(`[portal] PORTAL_FAULT_POINT=${name}: killing this process now.`);
    process.kill(process.pid, 'SIGKILL');
  }
}
