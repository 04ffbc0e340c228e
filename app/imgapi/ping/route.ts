/* public: IMGAPI Ping, which clients call anonymously to check that a repository URL answers. */
import { respondPing } from '@/lib/imgapi/serve/respond';

export const dynamic = 'force-dynamic';

export function GET() {
  return respondPing();
}
