/** Next.js calls `register` once when the server starts; the portal's start-up runs there. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startPortal } = await import('./lib/startup');
  await startPortal();
}
