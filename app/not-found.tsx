import { TextLink } from '@/components/ui/text-link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">This page does not exist, or you have no access to it.</p>
      <TextLink href="/" className="mt-6 inline-block">
        Back to the portal
      </TextLink>
    </main>
  );
}
