import type { ReactNode } from 'react';
import { formatBytes } from '@/lib/format';

/**
 * Whole percent done, rounded down so that 100% means finished; null when the total is unknown.
 * The bar's width, its accessible value and the visible text all come from this one number, so
 * they can never disagree (a bar at 99.6% never reads "100%").
 */
export function progressPercent(value: number, max: number | null | undefined): number | null {
  if (max === null || max === undefined || !(max > 0) || !Number.isFinite(value)) return null;
  return Math.min(100, Math.max(0, Math.floor((value / max) * 100)));
}

/** How the text beside the bar counts: bytes ("1.50 MiB of 4.00 MiB"), or plain numbers. */
export type ProgressUnit = 'bytes' | 'count';

/** "1.50 MiB of 4.00 MiB (37%)", or without a total "1.50 MiB of unknown size". */
export function progressText(value: number, max: number | null | undefined, unit: ProgressUnit = 'bytes'): string {
  const show = unit === 'bytes' ? formatBytes : (n: number) => n.toLocaleString('en');
  const percent = progressPercent(value, max);
  if (percent === null) return `${show(value)} of unknown size`;
  return `${show(value)} of ${show(max!)} (${percent}%)`;
}

/**
 * The one progress bar of the portal: determinate when the total is known, indeterminate otherwise,
 * a real progressbar for assistive technology either way. With `unit`, the text under the bar says
 * how far it is, derived from the same value and max; `children` add to that line (a rate, an ETA).
 * `compact` draws a thin bar for table cells.
 */
export function ProgressBar({
  value,
  max,
  label,
  unit,
  compact = false,
  children,
}: {
  value: number;
  max: number | null;
  label: string;
  unit?: ProgressUnit;
  compact?: boolean;
  children?: ReactNode;
}) {
  const percent = progressPercent(value, max);
  const known = percent !== null;
  const text = unit ? progressText(value, max, unit) : null;
  return (
    <div className={compact ? 'min-w-32 space-y-1' : 'space-y-2'}>
      <div
        role="progressbar"
        aria-label={label}
        // In the caller's own units (bytes, items); the text and the width say the same in percent.
        aria-valuemin={0}
        aria-valuemax={known ? max! : undefined}
        aria-valuenow={known ? Math.min(value, max!) : undefined}
        aria-valuetext={known ? (text ?? `${percent}%`) : (text ?? 'in progress')}
        data-percent={known ? percent : undefined}
        className={`${compact ? 'h-1.5' : 'h-3'} w-full overflow-hidden rounded-full bg-slate-200`}
      >
        <div
          className={`h-full rounded-full bg-sky-600 transition-[width] duration-300 ${known ? '' : 'w-1/3 animate-pulse'}`}
          style={known ? { width: `${percent}%` } : undefined}
        />
      </div>
      {(text || children) && (
        <p className={compact ? 'text-xs whitespace-nowrap text-slate-600' : 'text-sm text-slate-700'}>
          {text && <span data-testid="progress-text">{text}</span>}
          {children}
        </p>
      )}
    </div>
  );
}
