import type { ReactNode } from 'react';
import { Details, Mono } from '@/components/ui/layout';
import { TextLink } from '@/components/ui/text-link';
import { formatBytes, formatDateTime, redactUrlCredentials } from '@/lib/format';
import { bootImagesOf, imagesReferencing } from '@/lib/images/format-rules';
import type { ImageRow } from '@/lib/images/queries';

/** Every attribute of an image, as Image Details shows them. */
export async function ImageAttributes({ image }: { image: ImageRow }) {
  const { kernel, ramdisk } = await bootImagesOf(image);
  const bootsOthers =
    image.diskFormat === 'aki' || image.diskFormat === 'ari'
      ? await imagesReferencing(image.id, { includeDeleted: true })
      : [];
  const link = (target: { id: string; name: string } | null): ReactNode =>
    target ? <TextLink href={`/images/${target.id}`}>{target.name}</TextLink> : '—';
  const items: [string, ReactNode][] = [
    ['Version', image.version],
    ['Alias', image.alias ?? '—'],
    ['OS type', image.osType],
    ['Category', image.category],
    ['Disk format', image.diskFormat],
    ['Container format', image.containerFormat],
    ['Layout', kernel || ramdisk ? 'Partition image' : 'Whole-disk image'],
    ...(kernel || ramdisk
      ? ([
          ['Kernel image', link(kernel)],
          ['Ramdisk image', link(ramdisk)],
        ] as [string, ReactNode][])
      : []),
    ...(bootsOthers.length > 0
      ? ([
          [
            'Boots',
            <span key="b" className="flex flex-wrap gap-2">
              {bootsOthers.map((i) => (
                <span key={i.id}>{link(i)}</span>
              ))}
            </span>,
          ],
        ] as [string, ReactNode][])
      : []),
    ['Minimum disk', `${image.minDiskGb} GB`],
    ['Minimum RAM', `${image.minRamMb} MB`],
    ['Boot type', image.bootType === 'uefi' ? 'UEFI' : 'BIOS'],
    ['Resizable', image.resizable ? 'yes' : 'no'],
    ['Shut down after deploy', image.shutdownAfterDeploy ? 'yes' : 'no'],
    ['Tags', image.tags.length ? <Tags key="t" tags={image.tags} /> : '—'],
    ['Size', formatBytes(image.sizeBytes)],
    ['Virtual size', formatBytes(image.virtualSizeBytes)],
    ['Source', <ImageSource key="u" image={image} />],
    ['SHA-256', <Mono key="s">{image.sha256 ?? '—'}</Mono>],
    ['MD5', <Mono key="m">{image.md5 ?? '—'}</Mono>],
    ['Created', formatDateTime(image.createdAt)],
    ['Updated', formatDateTime(image.updatedAt)],
    ['Description', image.description || '—'],
  ];
  return <Details items={items} />;
}

function Tags({ tags }: { tags: string[] }) {
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
          {tag}
        </li>
      ))}
    </ul>
  );
}

/** Where nodes get the file: a URL they download, or the portal's own store, which pushes it. */
function ImageSource({ image }: { image: Pick<ImageRow, 'sourceUrl' | 'storeFile' | 'sizeBytes'> }) {
  if (image.sourceUrl) return <Mono>{redactUrlCredentials(image.sourceUrl)}</Mono>;
  if (image.storeFile)
    return <span data-testid="image-source">Portal image store (uploaded, {formatBytes(image.sizeBytes)})</span>;
  return <span data-testid="image-source">Portal image store (waiting for the upload…)</span>;
}
