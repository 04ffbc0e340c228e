import 'server-only';
import type { LogLevel } from '@/lib/db/enums';
import { appendJobEvent, saveJobProgress, type JobRow } from './store';

// Progress is persisted at most this often (DESIGN §4: "at most a few times a second").
const PROGRESS_INTERVAL_MS = 250;

/** What a running job handler may do: log, report its phase and progress, notice a stop request. */
export class JobContext {
  readonly abort = new AbortController();
  private pending: { bytesDone: number; bytesTotal?: number | null } | undefined;
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(readonly job: JobRow) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  log(level: LogLevel, message: string): void {
    appendJobEvent(this.job.id, level, message);
  }

  /** Starts a phase: persisted at once and written to the log. */
  phase(name: string, message?: string): void {
    this.flush();
    saveJobProgress(this.job.id, { phase: name });
    this.log('info', message ? `Phase ${name}: ${message}` : `Phase ${name}`);
  }

  /** Records transfer progress, throttled; the last value is always written eventually. */
  progress(bytesDone: number, bytesTotal?: number | null): void {
    if (this.closed) return;
    this.pending = { bytesDone, ...(bytesTotal !== undefined ? { bytesTotal } : {}) };
    const wait = this.lastWrite + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flushQuietly(), wait);
  }

  /** Writes what is pending; after this, late progress reports are ignored. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  // A progress write that fails in a timer must not become an uncaught exception; the next one retries.
  private flushQuietly(): void {
    try {
      this.flush();
    } catch (err) {
      console.error(`[portal] could not save progress of job ${this.job.id}:`, err);
    }
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    saveJobProgress(this.job.id, this.pending);
    this.pending = undefined;
    this.lastWrite = Date.now();
  }
}
