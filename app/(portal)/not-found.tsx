import { NotFoundMessage } from '@/components/shell/not-found-message';

/**
 * A page of the portal that is not there (or not for this user), inside the portal's own layout:
 * the header stays, and the layout's <main> holds this; a second <main> would confuse landmarks.
 */
export default function PortalNotFound() {
  return (
    <div className="mx-auto max-w-xl py-16 text-center">
      <NotFoundMessage back={{ href: '/', label: 'Back to the overview' }} />
    </div>
  );
}
