'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * Re-renders the page's server part every `intervalMs` while `active`: a list whose rows are still
 * moving (a job running, an upload or import finishing) updates without a reload. The server says
 * whether anything still moves on each render, so polling stops by itself once nothing does. A tab
 * out of sight is not polled; it catches up as soon as it is shown again. `router.refresh()` keeps
 * client state (an open form, the focus, what is typed), so the page can be used meanwhile.
 */
export function RefreshWhile({ active, intervalMs = 3000 }: { active: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const tick = () => {
      if (document.visibilityState === 'visible') router.refresh();
    };
    const timer = window.setInterval(tick, intervalMs);
    document.addEventListener('visibilitychange', tick);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [active, intervalMs, router]);
  return null;
}
