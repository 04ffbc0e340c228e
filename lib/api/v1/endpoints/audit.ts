import 'server-only';
import { z } from 'zod';
import { listAuditFilterOptions, listAuditPage, readableAuditDataCenters } from '@/lib/audit/queries';
import { auditSearchFields, parseAuditSearchParams } from '@/lib/audit/schemas';
import { AUDIT_OUTCOMES } from '@/lib/db/enums';
import { ValidationError } from '@/lib/errors';
import { defineRead, queryParameters, rawParams, type Endpoint } from '@/lib/api/v1/endpoint';
import { count, named, timestamp } from '@/lib/api/v1/responses/registry';

const name = z.string().describe('Its name now, or the name the event recorded once it is gone, else its id');
const exists = z.boolean().describe('Whether it still exists');

const auditEvent = named(
  'AuditEvent',
  z.object({
    id: count,
    at: timestamp,
    action: z.string().describe('What was done, e.g. `image.create`'),
    outcome: z.enum(AUDIT_OUTCOMES),
    user: z
      .object({ id: z.string().nullable(), name })
      .nullable()
      .describe('Who did it; null for an anonymous caller or the portal itself'),
    target: z.object({ type: z.string(), id: z.string().nullable(), name, exists }),
    dataCenter: z.object({ id: z.string().nullable(), name, exists }).nullable(),
    details: z.record(z.string(), z.unknown()).describe('What was recorded with the event'),
  }),
  'One change or refusal, with names for its ids',
);

const auditPage = named(
  'AuditPage',
  z.object({ rows: z.array(auditEvent), total: count, page: count, pageSize: count, pageCount: count }),
  'One page of audit events, newest first',
);

/** The audit log, filtered as the Audit page filters it. */
export const AUDIT_ENDPOINTS: Endpoint[] = [
  defineRead({
    method: 'GET',
    path: '/audit',
    tag: 'Audit',
    summary: 'Audit events the caller may read, newest first, paged and filtered',
    description:
      'The Audit page as data. SuperAdmins read every event, DCAdmins those of their data centers; anyone else gets 404. A user, action or target type filter takes a value that occurs in events the caller may read; any value the listing cannot use is refused with 400 naming it. Times are UTC.',
    query: queryParameters(auditSearchFields({ userIds: [], actions: [], targetTypes: [] }), {
      userId: 'Events by this user (their id)',
      action: 'Events of this action, e.g. `image.create`',
      targetType: 'Events about this kind of thing, e.g. `image`',
      targetId: 'Events about the thing with this id',
      outcome: '`ok`, `denied` or `error`',
      from: 'From this UTC day (`YYYY-MM-DD`) or minute (`YYYY-MM-DDTHH:mm`), inclusive',
      to: 'Up to the end of this UTC day or minute',
      page: 'Page number, from 1',
      pageSize: 'Events per page',
    }),
    what: 'The audit log',
    response: auditPage,
    load: async (user, { search }) => {
      if (readableAuditDataCenters(user)?.length === 0) return null;
      const options = await listAuditFilterOptions(user);
      const parsed = parseAuditSearchParams(rawParams(search), {
        userIds: options.users.map((u) => u.id),
        actions: options.actions,
        targetTypes: options.targetTypes,
      });
      if (parsed.ignored.length > 0)
        throw new ValidationError(`Unusable query parameters: ${parsed.ignored.join(', ')}.`);
      return await listAuditPage(user, { ...parsed.filters, page: parsed.page, pageSize: parsed.pageSize });
    },
  }),
];
