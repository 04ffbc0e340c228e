'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * While something on the page is still moving (an install under way), the page re-renders on the
 * server every `everyMs` and shows what changed, with no reload and no lost scroll position.
 */
export function LiveRefresh({ active = true, everyMs = 2000 }: { active?: boolean; everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, router]);
  return null;
}
