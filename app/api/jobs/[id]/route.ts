import { NextResponse } from 'next/server';
import { getCurrentUser } from '@/lib/auth/session';
import { getJobView } from '@/lib/jobs/queries';
import { toJobSnapshot } from '@/lib/jobs/snapshot';

/** Job progress and log, polled by the job page while the job runs. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: { code: 'unauthenticated', message: 'Sign in first.' } }, { status: 401 });
  const { id } = await params;
  const view = getJobView(user, id);
  if (!view) return NextResponse.json({ error: { code: 'not_found', message: 'No such job.' } }, { status: 404 });
  return NextResponse.json(toJobSnapshot(view), { headers: { 'Cache-Control': 'no-store' } });
}
