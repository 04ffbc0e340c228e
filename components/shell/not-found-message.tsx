import { TextLink } from '@/components/ui/text-link';

/** What a missing page says, inside whichever landmark its layout gives it. */
export function NotFoundMessage({ back }: { back: { href: string; label: string } }) {
  return (
    <>
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">This page does not exist, or you have no access to it.</p>
      <TextLink href={back.href} className="mt-6 inline-block">
        {back.label}
      </TextLink>
    </>
  );
}
