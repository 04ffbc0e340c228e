import { NotFoundMessage } from '@/components/shell/not-found-message';

/** A URL no route matches: only the root layout is around it, so it brings its own <main>. */
export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl px-6 py-24 text-center">
      <NotFoundMessage back={{ href: '/', label: 'Back to the portal' }} />
    </main>
  );
}
