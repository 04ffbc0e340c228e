import { auditCsvStream } from '@/lib/audit/csv';
import { listAuditFilterOptions, readableAuditDataCenters } from '@/lib/audit/queries';
import { parseAuditSearchParams } from '@/lib/audit/schemas';
import { getCurrentUser } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { now } from '@/lib/clock';

/**
 * The Audit page's filtered view as a CSV download: the same search params, parsed the same way
 * (a value the page ignores is ignored here too), and the same policy: SuperAdmins export all,
 * DCAdmins their data centers' events, others get a 404 as the page gives them.
 */
export async function GET(request: Request) {
  const user = await getCurrentUser();
  if (!user) return new Response('Sign in first.\n', { status: 401, headers: { 'Content-Type': 'text/plain' } });
  if (readableAuditDataCenters(user)?.length === 0)
    return new Response('Not found.\n', { status: 404, headers: { 'Content-Type': 'text/plain' } });
  const options = await listAuditFilterOptions(user);
  const known = { userIds: options.users.map((u) => u.id), actions: options.actions, targetTypes: options.targetTypes };
  // Repeated keys stay lists, as the page receives them; the parser takes the first of each.
  const raw: Record<string, string[]> = {};
  for (const [key, value] of new URL(request.url).searchParams) (raw[key] ??= []).push(value);
  const { filters } = parseAuditSearchParams(raw, known);
  // "audit-2026-11-20-1005.csv": when it was taken, in UTC like everything the portal shows.
  const stamp = formatDateTime(now()).slice(0, 16).replace(' ', '-').replace(':', '');
  return new Response(auditCsvStream(user, filters), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': `attachment; filename="audit-${stamp}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
