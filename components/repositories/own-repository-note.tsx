import { Mono } from '@/components/ui/layout';

/** Says whether this portal itself serves its public images over IMGAPI, and where. */
export function OwnRepositoryNote({ serving, url }: { serving: boolean; url: string }) {
  return (
    <p className="mb-4 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-700" data-testid="own-imgapi">
      {serving ? (
        <>
          This portal serves its public images anonymously over IMGAPI at <Mono>{url}</Mono>; other portals and
          Triton&apos;s imgadm can import from there.
        </>
      ) : (
        <>
          This portal does not serve its images over IMGAPI. To offer its public images to other portals, start it with{' '}
          <Mono>PORTAL_IMGAPI_SERVE=true</Mono>; they are then served anonymously at <Mono>{url}</Mono>.
        </>
      )}
    </p>
  );
}
