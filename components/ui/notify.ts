'use client';

import { toast } from 'sonner';
import { decodeFlash, encodeFlash, FLASH_COOKIE, FLASH_MAX_AGE_S, type NoticeKind } from './flash-cookie';

/**
 * Says what just happened, in a toast announced to screen readers (components/ui/toaster.tsx):
 * "Role granted.", "Repository added." A refusal stays until it is dismissed, so it can be read;
 * a success goes by itself.
 */
export function notify(message: string, kind: NoticeKind = 'success'): void {
  if (kind === 'error') toast.error(message, { duration: Infinity });
  else if (kind === 'info') toast.info(message);
  else toast.success(message);
}

/**
 * Like `notify`, for an action that navigates away (a server action's redirect): the notice waits
 * in a short-lived cookie and the toast host shows it once the next page is there.
 */
export function flash(message: string, kind: NoticeKind = 'success'): void {
  document.cookie = `${FLASH_COOKIE}=${encodeFlash({ message, kind })}; Max-Age=${FLASH_MAX_AGE_S}; Path=/; SameSite=Lax`;
  // A redirect to the page already shown changes no pathname; show it then anyway.
  window.setTimeout(showPendingFlash, 1500);
}

/** Shows the flash waiting in the cookie, if any, and deletes it so it is shown only once. */
export function showPendingFlash(): void {
  const raw = document.cookie
    .split('; ')
    .find((c) => c.startsWith(`${FLASH_COOKIE}=`))
    ?.slice(FLASH_COOKIE.length + 1);
  if (raw === undefined) return;
  document.cookie = `${FLASH_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
  const notice = decodeFlash(raw);
  if (notice) notify(notice.message, notice.kind);
}
