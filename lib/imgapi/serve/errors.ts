/**
 * IMGAPI's error shape, `{ code, message }` with restify's status codes
 * (https://github.com/TritonDataCenter/sdc-imgapi/blob/master/docs/index.md#errors), so that IMGAPI
 * clients such as sdc-clients report our refusals as they report a real IMGAPI's.
 */
export type ImgapiErrorCode = 'ResourceNotFound' | 'InvalidParameter' | 'InternalError';

const STATUS: Record<ImgapiErrorCode, number> = { ResourceNotFound: 404, InvalidParameter: 400, InternalError: 500 };

export class ImgapiError extends Error {
  constructor(
    readonly code: ImgapiErrorCode,
    message: string,
    /** Per-field details for InvalidParameter, as IMGAPI lists them. */
    readonly errors?: { field: string; code: 'Invalid'; message: string }[],
  ) {
    super(message);
    this.name = 'ImgapiError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function imageNotFound(uuid: string): ImgapiError {
  return new ImgapiError('ResourceNotFound', `image "${uuid}" was not found`);
}

/** Every IMGAPI request gets this while PORTAL_IMGAPI_SERVE is off: as far as clients know, there is no repository. */
export function notServing(): ImgapiError {
  return new ImgapiError('ResourceNotFound', 'this portal does not serve images over IMGAPI');
}

export function imgapiErrorResponse(err: ImgapiError): Response {
  const body = err.errors
    ? { code: err.code, message: err.message, errors: err.errors }
    : { code: err.code, message: err.message };
  return Response.json(body, { status: err.status, headers: { 'Cache-Control': 'no-store' } });
}
