import 'server-only';
import type { z } from 'zod';
import type { Operation } from '@/lib/actions/operation';
import type { UserContext } from '@/lib/auth/policy';
import type { ApiTag } from './tags';

/**
 * One endpoint of the JSON API v1, declared once: the route files bind to these declarations and
 * the OpenAPI document is generated from them, so neither can drift from the other. Each names its
 * success answer as a zod schema (registered in responses/registry.ts); the handler sends what that
 * schema parses the result to, and `define*` make TypeScript refuse a loader or an operation whose
 * result the schema does not describe.
 */

export type ReadContext = { params: Record<string, string>; search: URLSearchParams };

/** A query parameter: the zod schema the listing's own parser uses for it, and what it means. */
export type QueryParameter = { schema: z.ZodType; description: string };

type Described = {
  /** OpenAPI style, under /api/v1: `/images/{imageId}`. */
  path: string;
  /** One line, for the API page and the document's summary. */
  summary: string;
  /** What happens, who may, and what is refused. */
  description: string;
  tag: ApiTag;
  /** The success answer; registered with `named`, so the document can name it. */
  response: z.ZodType;
};

/** A loader's answer, now or once its queries are done. */
type Awaitable<T> = T | Promise<T>;

export type ReadEndpoint = Described & {
  method: 'GET';
  query?: Record<string, QueryParameter>;
  /** What 404 says is missing. */
  what: string;
  /** Applies the policy itself (the lib/ queries do); null means "not found". */
  load: (user: UserContext, context: ReadContext) => unknown;
};

export type WriteEndpoint = Described & {
  method: 'POST' | 'PUT' | 'DELETE';
  // Operations differ in input and result; define* checks the result against `response`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  op: Operation<z.ZodType, any>;
  /** 201 for a create, 202 for a job queued. */
  status?: number;
  body?: 'json' | 'none';
  /** Fields the route implies, e.g. `{ attached: false }` for DELETE of an attachment. */
  fixed?: Record<string, unknown>;
};

/** What a streamed body's receiver answers: the result, or a refusal with its HTTP status. */
export type StreamOutcome = { ok: true; data: unknown } | { ok: false; status: number; error: string };

/**
 * A request whose body is a file, streamed and never held whole; only what the token's user may
 * do is read, and the receiver decides about Content-Length and Content-Type before the first byte.
 */
export type StreamEndpoint = Described & {
  method: 'PUT';
  body: 'stream';
  mediaType: 'application/octet-stream';
  /** The statuses a refusal may have, documented as the endpoint's errors. */
  refusals: number[];
  /** `user` is null for an unknown token: the receiver audits the refusal without reading the body. */
  receive: (user: UserContext | null, params: Record<string, string>, request: Request) => Promise<StreamOutcome>;
};

export type Endpoint = ReadEndpoint | WriteEndpoint | StreamEndpoint;

export function defineRead<R extends z.ZodType>(
  endpoint: Omit<ReadEndpoint, 'response' | 'load'> & {
    response: R;
    load: (user: UserContext, context: ReadContext) => Awaitable<z.input<R> | null | undefined>;
  },
): ReadEndpoint {
  return endpoint;
}

export function defineWrite<S extends z.ZodType, R extends z.ZodType, O extends z.input<R>>(
  endpoint: Omit<WriteEndpoint, 'response' | 'op'> & { op: Operation<S, O>; response: R },
): WriteEndpoint {
  return endpoint as WriteEndpoint;
}

export function defineStream<R extends z.ZodType>(
  endpoint: Omit<StreamEndpoint, 'response' | 'receive'> & {
    response: R;
    receive: (
      user: UserContext | null,
      params: Record<string, string>,
      request: Request,
    ) => Promise<{ ok: true; data: z.input<R> } | { ok: false; status: number; error: string }>;
  },
): StreamEndpoint {
  return endpoint;
}

/**
 * Query parameters from the very field schemas a listing parses its search params with, each with
 * what it means: the document cannot offer a value the listing would refuse, or miss one it takes.
 */
export function queryParameters<K extends string>(
  fields: Record<K, z.ZodType>,
  descriptions: Record<K, string>,
): Record<K, QueryParameter> {
  const entries = (Object.keys(fields) as K[]).map((key) => [
    key,
    { schema: fields[key], description: descriptions[key] },
  ]);
  return Object.fromEntries(entries) as Record<K, QueryParameter>;
}

/** The query string as the listing parsers take it: repeated keys become lists. */
export function rawParams(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    out[key] = values.length > 1 ? values : values[0]!;
  }
  return out;
}
