'use client';

import { usePathname } from 'next/navigation';
import { useEffect } from 'react';
import { Toaster } from 'sonner';
import { showPendingFlash } from './notify';

/**
 * Where notices appear: fixed at the bottom right, over the page rather than in it, so a message
 * never moves a button. Sonner's region is a polite live region (screen readers announce each
 * toast without interrupting) and Alt+T moves the focus to it. Sits in the root layout, so a toast
 * outlives client-side navigation; on every new page it also shows a flash left for it.
 */
export function ToastHost() {
  const pathname = usePathname();
  useEffect(() => showPendingFlash(), [pathname]);
  return (
    <Toaster
      position="bottom-right"
      richColors
      closeButton
      duration={8000}
      containerAriaLabel="Notifications"
      // Sonner's own styles break a long word anywhere; wrap at word boundaries like the rest of the portal.
      toastOptions={{ style: { overflowWrap: 'break-word' } }}
    />
  );
}
