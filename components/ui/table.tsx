import type { ReactNode } from 'react';

/**
 * A listing table with a caption for screen readers and an empty state that says what to do. An
 * empty column name is the row actions' column.
 */
export function Table({
  caption,
  columns,
  children,
  empty,
  isEmpty,
}: {
  caption: string;
  columns: string[];
  children: ReactNode;
  empty: ReactNode;
  isEmpty: boolean;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" className="px-4 py-2.5 text-left font-semibold whitespace-nowrap text-slate-700">
                {/* A column of row buttons has no visible heading, yet a screen reader still names it. */}
                {c || <span className="sr-only">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {isEmpty ? (
            <tr>
              <td colSpan={columns.length} className="px-4 py-8 text-center text-slate-500">
                {empty}
              </td>
            </tr>
          ) : (
            children
          )}
        </tbody>
      </table>
    </div>
  );
}

export function Td({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <td className={`px-4 py-2.5 align-top ${className}`}>{children}</td>;
}
