import type { ReactNode } from 'react';
import { StatusBadge } from '@/components/ui/status-badge';
import { Td } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { formatBytes, formatDateTime } from '@/lib/format';
import type { ImageSearch } from '@/lib/images/list-schemas';
import type { ImageListRow } from '@/lib/images/listing';
import { PlainHeader, SortHeader } from './image-list-sort-header';

const COLUMN_COUNT = 9;

/**
 * One page of images. Grouped by alias, each alias gets its own row group with a heading that
 * says how many of its versions match the filters (on this page or others).
 */
export function ImageListTable({
  rows,
  search,
  aliasCounts,
  caption,
  empty,
}: {
  rows: ImageListRow[];
  search: ImageSearch;
  aliasCounts: Record<string, number>;
  caption: string;
  empty: ReactNode;
}) {
  const groups = search.order.group === 'alias' ? groupByAlias(rows) : [{ alias: undefined, rows }];
  return (
    <>
      {rows.some((r) => r.attachableOnly) && (
        <p className="mb-2 text-sm text-slate-600" data-testid="attachable-note">
          Images marked “Global, attachable” are public images you may attach to your data centers, from a data center’s
          page. They are listed here read-only.
        </p>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50">
            <tr>
              <SortHeader label="Name" column="name" search={search} />
              <SortHeader label="Version" column="version" search={search} />
              <PlainHeader label="OS" />
              <PlainHeader label="Format" />
              <SortHeader label="Size" column="size" search={search} />
              <PlainHeader label="Status" />
              <PlainHeader label="Access" />
              <PlainHeader label="Installed on" />
              <SortHeader label="Created" column="created" search={search} />
            </tr>
          </thead>
          {rows.length === 0 ? (
            <tbody>
              <tr>
                <td colSpan={COLUMN_COUNT} className="px-4 py-8 text-center text-slate-500">
                  {empty}
                </td>
              </tr>
            </tbody>
          ) : (
            groups.map((group, i) => (
              <tbody key={group.alias ?? `group-${i}`} className="divide-y divide-slate-100">
                {group.alias !== undefined && (
                  <tr className="bg-slate-50/70">
                    <th
                      scope="rowgroup"
                      colSpan={COLUMN_COUNT}
                      className="px-4 py-2 text-left font-semibold text-slate-700"
                    >
                      {group.alias === null ? (
                        'Without an alias'
                      ) : (
                        <>
                          {group.alias}{' '}
                          <span className="font-normal text-slate-500">
                            · {versions(aliasCounts[group.alias] ?? group.rows.length)}
                          </span>
                        </>
                      )}
                    </th>
                  </tr>
                )}
                {group.rows.map((image) => (
                  <ImageRow key={image.id} image={image} />
                ))}
              </tbody>
            ))
          )}
        </table>
      </div>
    </>
  );
}

/**
 * One image. A public global image listed only because the user may attach it (an ImageAdmin's)
 * is read-only here: no link to a page they may not open, and a mark that says why it is listed.
 */
function ImageRow({ image }: { image: ImageListRow }) {
  return (
    <tr data-testid={`image-row-${image.name}`}>
      <Td>
        {image.attachableOnly ? (
          <>
            <span className="font-medium">{image.name}</span>{' '}
            <span
              className="inline-flex items-center rounded-full bg-sky-50 px-2 py-0.5 text-xs font-medium whitespace-nowrap text-sky-800 ring-1 ring-sky-600/20 ring-inset"
              title="A public global image you may attach to your data centers, from a data center's page"
            >
              Global, attachable
            </span>
          </>
        ) : (
          <TextLink href={`/images/${image.id}`} className="font-medium">
            {image.name}
          </TextLink>
        )}
      </Td>
      <Td>{image.version}</Td>
      <Td>{image.osType}</Td>
      <Td>
        {image.diskFormat} / {image.containerFormat}
      </Td>
      <Td className="whitespace-nowrap">{formatBytes(image.sizeBytes)}</Td>
      <Td>
        <StatusBadge status={image.status} />
      </Td>
      <Td>
        <StatusBadge status={image.access} />
      </Td>
      <Td>{image.attachableOnly ? '—' : image.installedNodes === 1 ? '1 node' : `${image.installedNodes} nodes`}</Td>
      <Td className="whitespace-nowrap text-slate-600">{formatDateTime(image.createdAt)}</Td>
    </tr>
  );
}

const versions = (n: number) => (n === 1 ? '1 version' : `${n} versions`);

/** Consecutive rows of one alias; the listing orders by alias first, so each alias is one run. */
function groupByAlias(rows: ImageListRow[]): { alias: string | null; rows: ImageListRow[] }[] {
  const groups: { alias: string | null; rows: ImageListRow[] }[] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last && last.alias === row.alias) last.rows.push(row);
    else groups.push({ alias: row.alias, rows: [row] });
  }
  return groups;
}
