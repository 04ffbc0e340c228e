import 'server-only';
import type { LogLevel } from '@/lib/db/enums';
import { isTransient } from '@/lib/errors';
import { addBytesTransferred, appendJobEvent, readControlRequest, saveJobProgress, type JobRow } from './rows';

// Progress is persisted at most this often: a few times a second is live enough for a progress bar.
const PROGRESS_INTERVAL_MS = 250;
// How soon a cancel or pause asked for on the job's page reaches the running job.
const CONTROL_POLL_MS = 500;

/** What a user may ask of a running job. */
export type StopRequest = 'cancel' | 'pause';

/**
 * How an attempt that threw ends: stopped on request, queued again, or failed for good; or
 * `abandon`, when another process took the job over (this one lost its lease) or this one hands it
 * back as it shuts down: then this attempt leaves the node and the records to the next owner and
 * touches nothing.
 */
export type FailureOutcome = StopRequest | 'retry' | 'fail' | 'abandon';

/**
 * Why a job's signal aborted: a user's request, the loss of the job to another process, or this
 * process handing it back as it shuts down (the runner then queues it again).
 */
type AbortReason = StopRequest | 'lease-lost' | 'hand-back';

/** Thrown by a handler that noticed a stop request between two steps. */
export class JobStoppedError extends Error {
  constructor(
    readonly request: StopRequest,
    message = request === 'cancel' ? 'Cancelled on request.' : 'Paused on request.',
  ) {
    super(message);
  }
}

/**
 * What a running job handler may do: log, report its phase and progress, notice a stop request.
 * Logging and progress return at once: their writes queue up and reach the database in the order
 * they were made, and `close()` waits for the last of them.
 */
export class JobContext {
  private readonly abort = new AbortController();
  private pending: { bytesDone: number; bytesTotal?: number | null } | undefined;
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly controlWatcher: NodeJS.Timeout;
  private closed = false;
  private outcome: FailureOutcome | undefined;
  private writes: Promise<void> = Promise.resolve();

  private constructor(readonly job: JobRow) {
    this.controlWatcher = setInterval(() => void this.checkControlRequest(), CONTROL_POLL_MS);
    this.controlWatcher.unref();
  }

  /** A context for a claimed job; a stop asked for while it waited (cancelling a paused job) applies from the start. */
  static async open(job: JobRow): Promise<JobContext> {
    const ctx = new JobContext(job);
    await ctx.checkControlRequest();
    return ctx;
  }

  /** Aborts when a user asks the job to stop; remote steps pass it on to their commands. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopRequest(): StopRequest | undefined {
    const reason = this.abort.signal.aborted ? (this.abort.signal.reason as AbortReason) : undefined;
    return reason === 'cancel' || reason === 'pause' ? reason : undefined;
  }

  /** True once another process has taken the job over; this attempt must stop without a trace. */
  get leaseLost(): boolean {
    return this.abort.signal.reason === 'lease-lost';
  }

  /** True once this process is handing the job back because it shuts down. */
  get handedBack(): boolean {
    return this.abort.signal.reason === 'hand-back';
  }

  /** True once the job goes on in another process: this attempt records nothing about it. */
  get passedOn(): boolean {
    return this.leaseLost || this.handedBack;
  }

  /** Called between steps, so a stop request ends the job at a clean boundary. */
  throwIfStopped(): void {
    if (this.leaseLost) throw new JobStoppedError('cancel', 'Stopped: another portal process took this job over.');
    if (this.handedBack) throw new JobStoppedError('pause', 'Stopped: this process is shutting down.');
    if (this.stopRequest) throw new JobStoppedError(this.stopRequest);
  }

  /** True once the attempt's work and log are done; only its final record may still be on its way. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The runner calls this when renewing the job's lease found another owner. */
  loseLease(): void {
    if (!this.abort.signal.aborted) this.abort.abort('lease-lost' satisfies AbortReason);
  }

  /** The runner calls this as its process shuts down: the attempt stops and leaves the job as it is. */
  handBack(): void {
    if (!this.abort.signal.aborted) this.abort.abort('hand-back' satisfies AbortReason);
  }

  /**
   * A stop request wins over whatever error it caused; a transient failure retries while attempts
   * last. Decided once per attempt: cleanup on the node and the records must follow the same
   * outcome even if a request arrives in between.
   */
  outcomeOf(err: unknown): FailureOutcome {
    if (this.passedOn) this.outcome ??= 'abandon';
    this.outcome ??=
      this.stopRequest ?? (isTransient(err) && this.job.attempt < this.job.maxAttempts ? 'retry' : 'fail');
    return this.outcome;
  }

  /**
   * Adds a line to the job's log. A line that cannot be written (the database is locked for longer
   * than it waits) is reported on the console instead: losing a log line must not derail the job,
   * least of all its final record.
   */
  log(level: LogLevel, message: string): void {
    this.write(
      `log to job ${this.job.id} (${level}: ${message})`,
      async () => await appendJobEvent(this.job.id, level, message),
    );
  }

  /** Starts a phase: persisted before anything logged after it, and written to the log. */
  phase(name: string, message?: string): void {
    this.flush();
    this.write(`save the phase of job ${this.job.id}`, async () => await saveJobProgress(this.job.id, { phase: name }));
    this.log('info', message ? `Phase ${name}: ${message}` : `Phase ${name}`);
  }

  /** Records transfer progress, throttled; the last value is always written eventually. */
  progress(bytesDone: number, bytesTotal?: number | null): void {
    if (this.closed) return;
    this.pending = { bytesDone, ...(bytesTotal !== undefined ? { bytesTotal } : {}) };
    const wait = this.lastWrite + PROGRESS_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Counts bytes this attempt moved over the network, kept across attempts. */
  transferred(bytes: number): void {
    this.write(`count the bytes of job ${this.job.id}`, async () => await addBytesTransferred(this.job.id, bytes));
  }

  /** Writes what is pending and waits for every queued write; after this, late progress reports are ignored. */
  async close(): Promise<void> {
    clearInterval(this.controlWatcher);
    this.flush();
    this.closed = true;
    await this.writes;
  }

  private async checkControlRequest(): Promise<void> {
    if (this.abort.signal.aborted) return;
    try {
      const request = await readControlRequest(this.job.id);
      if (request && !this.abort.signal.aborted) this.abort.abort(request);
    } catch (err) {
      console.error(`[portal] could not read the control request of job ${this.job.id}:`, err);
    }
  }

  /** Queues the pending progress for writing. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    const progress = this.pending;
    this.write(`save progress of job ${this.job.id}`, async () => await saveJobProgress(this.job.id, progress));
    this.pending = undefined;
    this.lastWrite = Date.now();
  }

  /** Runs `write` after the writes queued before it; a failure is reported, and the next write still runs. */
  private write(what: string, write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((err: unknown) => console.error(`[portal] could not ${what}:`, err));
  }
}
