import 'server-only';
import type { ContainerClient, PageBlobClient } from '@azure/storage-blob';
import type { AzureBlobSecrets, AzureBlobSettings } from '@/lib/clouds/settings';
import {
  CloudError,
  type CloudTarget,
  type PublishedCopy,
  type PublishedImageAttributes,
  type PublishFile,
  type UploadOptions,
} from '@/lib/publish/target';
import { fixedVhdProblems, readVhdFooter } from '@/lib/publish/vhd';
import { AzureConnection, parseAzureState, withoutQuery, type AzureState } from './azure-client';
import { uploadPages, writtenRanges } from './azure-pages';

/**
 * Azure Blob storage: the page blob an Azure managed disk or image is created from. Azure takes
 * only a fixed VHD whose size is a whole number of MiB (lib/publish/vhd.ts makes one).
 */
export function azureBlobTarget(settings: AzureBlobSettings, secrets: AzureBlobSecrets): CloudTarget {
  const connection = new AzureConnection(settings, secrets);
  const container = settings.container;

  return {
    kind: 'azure-blob',
    // Every other format is converted; a VHD is sent as it is only when it is already a fixed one,
    // which upload() checks (this answer cannot tell a fixed VHD from a dynamic one).
    formatFor: () => 'vhd',
    digests: ['md5', 'sha256'],

    testConnection: (signal) =>
      connection.run(signal, async (client) => {
        await client.listBlobsFlat({ abortSignal: signal }).byPage({ maxPageSize: 1 }).next();
      }),

    upload: (image, file, options) => connection.run(options.signal, (client) => upload(client, image, file, options)),

    verify: (copy, file, signal) =>
      connection.run(signal, async (client) => {
        const name = parseAzureState(copy.state)?.blobName ?? copy.remoteId;
        const props = await client.getPageBlobClient(name).getProperties({ abortSignal: signal });
        if (props.contentLength !== file.sizeBytes)
          throw new CloudError(
            'mismatch',
            `The blob ${name} holds ${props.contentLength ?? 0} bytes; the file has ${file.sizeBytes}.`,
          );
        // Azure keeps, not computes, a page blob's Content-MD5: it says the upload finished with
        // this file's MD5 set; each range was checked against its own MD5 as it was written.
        const md5 = props.contentMD5 ? Buffer.from(props.contentMD5).toString('hex') : undefined;
        if (md5 !== file.md5)
          throw new CloudError(
            'mismatch',
            `The blob ${name} has Content-MD5 ${md5 ?? '(none)'}; the file's MD5 is ${file.md5}.`,
          );
        return { compared: { md5: file.md5 } };
      }),

    discard: (state, signal) =>
      connection.run(signal, async (client) => {
        const saved = parseAzureState(state);
        if (saved) await deleteBlob(client.getPageBlobClient(saved.blobName), signal);
      }),

    remove: (copy, signal) =>
      connection.run(signal, async (client) => {
        const name = parseAzureState(copy.state)?.blobName ?? copy.remoteId;
        await deleteBlob(client.getPageBlobClient(name), signal);
      }),
  };

  async function upload(
    client: ContainerClient,
    image: PublishedImageAttributes,
    file: PublishFile,
    options: UploadOptions,
  ): Promise<PublishedCopy> {
    const { signal } = options;
    const problems = file.diskFormat === 'vhd' ? fixedVhdProblems(await readVhdFooter(file.path)) : ['is not a VHD'];
    if (problems.length > 0)
      throw new CloudError(
        'refused',
        `Azure takes only a fixed VHD of a whole number of MiB; the file of ${image.name} ${problems.join('; ')}.`,
      );
    const blobName = `${image.name}-${image.version}.vhd`;
    const blob = client.getPageBlobClient(blobName);
    const copy = (state: AzureState): PublishedCopy => ({
      remoteId: blobName,
      remoteUrl: withoutQuery(blob.url),
      state,
    });
    const state: AzureState = { container, blobName, sizeBytes: file.sizeBytes, sha256: file.sha256, completed: false };

    const resumed = await resumable(client, blob, state, options);
    if (resumed?.completed) {
      options.onProgress(file.sizeBytes);
      return copy(resumed);
    }
    if (!resumed) {
      // Creating replaces a blob of that name: an earlier publication of the same name and version.
      await blob.create(file.sizeBytes, {
        abortSignal: signal,
        blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
        metadata: { portalimageid: image.id, sha256: file.sha256 },
      });
      await options.saveState(state);
    }
    const written = resumed ? await writtenRanges(blob, signal) : [];
    await uploadPages(blob, file.path, file.sizeBytes, { signal, written, onProgress: options.onProgress });
    // Set last, so a blob with Content-MD5 is a complete one.
    await blob.setHTTPHeaders(
      { blobContentType: 'application/octet-stream', blobContentMD5: Buffer.from(file.md5, 'hex') },
      { abortSignal: signal },
    );
    const completed = { ...state, completed: true };
    await options.saveState(completed);
    return copy(completed);
  }

  /** The earlier attempt's blob when it can be carried on: the same name, file and size, still there. */
  async function resumable(client: ContainerClient, blob: PageBlobClient, state: AzureState, options: UploadOptions) {
    const previous = parseAzureState(options.previous);
    if (!previous) return undefined;
    const same =
      previous.container === state.container &&
      previous.blobName === state.blobName &&
      previous.sha256 === state.sha256 &&
      previous.sizeBytes === state.sizeBytes;
    // Another name (the image was renamed): that blob is this publication's leftover, not a copy.
    if (!same) {
      if (previous.container === container && previous.blobName !== state.blobName)
        await deleteBlob(client.getPageBlobClient(previous.blobName), options.signal);
      return undefined;
    }
    const props = await blob.getProperties({ abortSignal: options.signal }).catch((err: unknown) => {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    });
    if (!props || props.blobType !== 'PageBlob' || props.contentLength !== state.sizeBytes) return undefined;
    return previous;
  }
}

async function deleteBlob(blob: PageBlobClient, signal: AbortSignal): Promise<void> {
  await blob.deleteIfExists({ deleteSnapshots: 'include', abortSignal: signal });
}
