'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { ProgressBar, progressText } from '@/components/ui/progress-bar';
import { TextLink } from '@/components/ui/text-link';
import { formatBytes } from '@/lib/format';

type Phase = 'idle' | 'uploading' | 'verifying' | 'done' | 'failed' | 'cancelled';
type UploadState = { phase: Phase; loaded: number; total: number; error?: string; imageId?: string; file?: File };

/**
 * Pushes an image's file to PUT /api/images/<id>/file. XMLHttpRequest rather than fetch, because
 * only XHR reports upload progress. On success it shows the image's page.
 */
export function useFileUpload() {
  const router = useRouter();
  const pathname = usePathname();
  const xhrRef = useRef<XMLHttpRequest | null>(null);
  const [state, setState] = useState<UploadState>({ phase: 'idle', loaded: 0, total: 0 });

  // Leaving the page cancels the upload; the image simply keeps waiting for its file.
  useEffect(() => () => xhrRef.current?.abort(), []);

  const start = useCallback(
    (imageId: string, file: File) => {
      const xhr = new XMLHttpRequest();
      xhrRef.current = xhr;
      const settle = (next: Partial<UploadState>) => setState((s) => ({ ...s, ...next }));
      setState({ phase: 'uploading', loaded: 0, total: file.size, imageId, file });
      xhr.upload.onprogress = (e) => settle({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
      // Every byte is sent; the server still hashes the tail, syncs and records the file.
      xhr.upload.onload = () => settle({ phase: 'verifying', loaded: file.size });
      xhr.onerror = () =>
        settle({ phase: 'failed', error: 'The connection broke before the upload finished. Nothing was stored.' });
      xhr.onabort = () => settle({ phase: 'cancelled' });
      xhr.onload = () => {
        const reply = parseReply(xhr);
        if (reply.ok) {
          settle({ phase: 'done', loaded: file.size });
          const target = `/images/${imageId}`;
          if (pathname === target) router.refresh();
          else router.push(target);
        } else {
          settle({ phase: 'failed', error: reply.error });
        }
      };
      xhr.open('PUT', `/api/images/${encodeURIComponent(imageId)}/file`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.send(file);
    },
    [pathname, router],
  );

  const cancel = useCallback(() => xhrRef.current?.abort(), []);
  const retry = useCallback(() => {
    if (state.imageId && state.file) start(state.imageId, state.file);
  }, [start, state.imageId, state.file]);

  return { state, start, cancel, retry };
}

export type FileUpload = ReturnType<typeof useFileUpload>;

function parseReply(xhr: XMLHttpRequest): { ok: true } | { ok: false; error: string } {
  try {
    const body = JSON.parse(xhr.responseText) as { ok?: boolean; error?: string };
    if (xhr.status === 200 && body.ok) return { ok: true };
    return { ok: false, error: body.error ?? `The server answered ${xhr.status}.` };
  } catch {
    return { ok: false, error: `The server answered ${xhr.status} ${xhr.statusText}.`.trim() };
  }
}

/** Progress bar, byte counts, a live status line, and cancel or retry. */
export function UploadProgress({ upload }: { upload: FileUpload }) {
  const { state, cancel, retry } = upload;
  if (state.phase === 'idle') return null;
  const active = state.phase === 'uploading' || state.phase === 'verifying';
  return (
    <div className="space-y-2" data-testid="upload-progress">
      <ProgressBar label="Upload progress" value={state.loaded} max={state.total} />
      <p role="status" aria-live="polite" className="text-sm text-slate-700">
        {statusText(state)}
      </p>
      {state.phase === 'failed' && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3">
        {state.phase === 'uploading' && (
          <Button variant="secondary" onClick={cancel}>
            Cancel upload
          </Button>
        )}
        {(state.phase === 'failed' || state.phase === 'cancelled') && (
          <>
            <Button onClick={retry}>Upload again</Button>
            {state.imageId && <TextLink href={`/images/${state.imageId}`}>Go to the image</TextLink>}
          </>
        )}
        {active && <span className="text-xs text-slate-500">Keep this page open until the upload finishes.</span>}
      </div>
    </div>
  );
}

function statusText(state: UploadState): string {
  // The same words and rounding as the bar itself (components/ui/progress-bar.tsx).
  const bytes = progressText(state.loaded, state.total, 'bytes');
  switch (state.phase) {
    case 'uploading':
      return `Uploading ${state.file?.name ?? 'the file'}: ${bytes}`;
    case 'verifying':
      return `All ${formatBytes(state.total)} sent; the portal is verifying and storing the file…`;
    case 'done':
      return 'Upload complete and verified. Opening the image…';
    case 'cancelled':
      return `Upload cancelled after ${bytes}. The image keeps waiting for its file; nothing was stored.`;
    case 'failed':
      return `Upload failed after ${bytes}.`;
    default:
      return '';
  }
}

/** For an image still waiting for its file: choose the file and upload it. */
export function UploadFile({ imageId, label = 'Upload' }: { imageId: string; label?: string }) {
  const upload = useFileUpload();
  const [file, setFile] = useState<File | null>(null);
  const busy =
    upload.state.phase === 'uploading' || upload.state.phase === 'verifying' || upload.state.phase === 'done';
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="upload-image-file" className="block text-sm font-medium text-slate-800">
            Image file
          </label>
          <input
            id="upload-image-file"
            type="file"
            disabled={busy}
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            className="mt-1 block text-sm text-slate-700 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium"
          />
        </div>
        <Button disabled={!file || busy} onClick={() => file && upload.start(imageId, file)}>
          {label}
        </Button>
      </div>
      <UploadProgress upload={upload} />
    </div>
  );
}
