import 'server-only';
import type { z } from 'zod';
import type { Operation } from '@/lib/actions/operation';
import type { UserContext } from '@/lib/auth/policy';

/**
 * One endpoint of the JSON API v1, declared once: the route files bind to these declarations and
 * the OpenAPI document is generated from them, so neither can drift from the other.
 */

export type ReadContext = { params: Record<string, string>; search: URLSearchParams };

export type ReadEndpoint = {
  method: 'GET';
  /** OpenAPI style, under /api/v1: `/images/{imageId}`. */
  path: string;
  summary: string;
  tag: string;
  /** The query parameters, documented. */
  query?: Record<string, string>;
  /** What 404 says is missing. */
  what: string;
  /** Applies the policy itself (the lib/ queries do); null means "not found". */
  load: (user: UserContext, context: ReadContext) => unknown;
};

export type WriteEndpoint = {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  // Operations differ in input and result; the endpoint only passes them through.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  op: Operation<z.ZodType, any>;
  /** 201 for a create. */
  status?: number;
  body?: 'json' | 'none';
  /** Fields the route implies, e.g. `{ attached: false }` for DELETE of an attachment. */
  fixed?: Record<string, unknown>;
};

export type Endpoint = ReadEndpoint | WriteEndpoint;

/** The query string as the listing parsers take it: repeated keys become lists. */
export function rawParams(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    out[key] = values.length > 1 ? values : values[0]!;
  }
  return out;
}
