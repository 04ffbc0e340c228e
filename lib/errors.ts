/**
 * Errors the domain throws on purpose. Each carries a message fit for the user and a code that the
 * server-action wrapper and the JSON API map to their own shapes (HTTP 400/403/404/409/428…).
 */
export type ErrorCode =
  'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'in_use' | 'unavailable' | 'too_large';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, fieldErrors?: Record<string, string[]>) {
    super('invalid', message, fieldErrors);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class NotFoundError extends DomainError {
  /** `what` names the missing thing ("The image"); `nextStep` may tell the user what to do about it. */
  constructor(what: string, nextStep?: string) {
    super('not_found', `${what} was not found.${nextStep ? ` ${nextStep}` : ''}`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, fieldErrors?: Record<string, string[]>) {
    super('conflict', message, fieldErrors);
  }
}

/** Refused because something still depends on the target, e.g. a machine uses the image. */
export class InUseError extends DomainError {
  constructor(message: string) {
    super('in_use', message);
  }
}

/** A failure outside the portal, such as an unreachable node, that the user can act on. */
export class UnavailableError extends DomainError {
  constructor(message: string) {
    super('unavailable', message);
  }
}

/**
 * A failure that may pass by itself, such as a dropped connection or a download cut off: a job that
 * meets one is retried (with backoff) and resumes where it stopped.
 */
export class TransientError extends UnavailableError {
  readonly transient = true;
}

export function isTransient(err: unknown): boolean {
  return err instanceof TransientError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
