/**
 * The one-shot flash: a notice that must outlive a navigation (a redirect after a create, a full
 * page load), carried in a short-lived cookie that the toast host reads once and deletes. Plain
 * data and functions, so a client component and a server action can both write it.
 */

export type NoticeKind = 'success' | 'error' | 'info';
export type Notice = { message: string; kind: NoticeKind };

export const FLASH_COOKIE = 'portal-flash';
/** Long enough for a redirect and the next page to load, short enough not to greet a later visit. */
export const FLASH_MAX_AGE_S = 30;
/** A notice is a sentence, not a document; anything longer is cut rather than overflowing the cookie. */
const MAX_MESSAGE = 500;

export function encodeFlash(notice: Notice): string {
  return encodeURIComponent(JSON.stringify({ ...notice, message: notice.message.slice(0, MAX_MESSAGE) }));
}

/** The notice in a cookie value, or null for anything that is not one (a hand-edited cookie, say). */
export function decodeFlash(value: string | undefined): Notice | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(decodeURIComponent(value)) as Partial<Notice>;
    if (typeof parsed.message !== 'string' || parsed.message === '') return null;
    const kind = parsed.kind === 'error' || parsed.kind === 'info' ? parsed.kind : 'success';
    return { message: parsed.message.slice(0, MAX_MESSAGE), kind };
  } catch {
    return null;
  }
}

/**
 * For a server action that redirects: `(await cookies()).set(flashCookie('Repository removed.'))`
 * before `redirect()`. Not httpOnly: the client component that shows it also deletes it.
 */
export function flashCookie(message: string, kind: NoticeKind = 'success') {
  return {
    name: FLASH_COOKIE,
    value: encodeFlash({ message, kind }),
    maxAge: FLASH_MAX_AGE_S,
    path: '/',
    sameSite: 'lax' as const,
  };
}
