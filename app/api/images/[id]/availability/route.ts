import { NextResponse } from 'next/server';
import { getCurrentUser } from '@/lib/auth/session';
import { getImageAvailability } from '@/lib/availability/queries';

/** The Image Availability rows, polled by that page so states and progress change without a reload. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return NextResponse.json({ error: { code: 'unauthenticated', message: 'Sign in first.' } }, { status: 401 });
  const { id } = await params;
  const availability = getImageAvailability(user, id);
  if (!availability) return NextResponse.json({ error: { code: 'not_found', message: 'No such image.' } }, { status: 404 });
  return NextResponse.json(availability, { headers: { 'Cache-Control': 'no-store' } });
}
