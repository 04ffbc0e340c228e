import { Card, Section } from '@/components/ui/layout';
import { formatDateTime } from '@/lib/format';
import type { FailedUpload } from '@/lib/images/upload-attempts';
import { PurgeImage } from './purge-image';
import { UploadFile } from './upload-file';

/**
 * An image created for upload that has no file yet: never uploaded, or its upload failed (a
 * checksum mismatch, a closed tab). It offers the two ways forward, upload again or delete it.
 */
export function AwaitingUpload({
  image,
  failed,
  mayManage,
}: {
  image: { id: string; name: string };
  failed: FailedUpload | null;
  mayManage: boolean;
}) {
  return (
    <Section title={failed ? 'The upload failed' : 'Waiting for the upload'}>
      <Card>
        <div className="mb-4 space-y-1 text-sm text-slate-700" data-testid="awaiting-upload">
          {failed ? (
            <p>
              The last upload, at {formatDateTime(failed.at)}, failed:{' '}
              <span className="text-red-800">{failed.error}</span>
            </p>
          ) : (
            <p>Waiting for the upload…</p>
          )}
          <p>This image has no file yet; it becomes usable once its file is uploaded and verified.</p>
        </div>
        {mayManage && (
          <div className="space-y-4">
            <UploadFile imageId={image.id} label={failed ? 'Upload again' : 'Upload'} />
            <PurgeImage image={image} label="Delete…" />
          </div>
        )}
      </Card>
    </Section>
  );
}
