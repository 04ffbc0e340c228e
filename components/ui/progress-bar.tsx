/**
 * A determinate bar when the total is known, an indeterminate one otherwise; both are real
 * progressbars for assistive technology.
 */
export function ProgressBar({ value, max, label }: { value: number; max: number | null; label: string }) {
  const known = max !== null && max > 0;
  const percent = known ? Math.min(100, (value / max) * 100) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={known ? max : undefined}
      aria-valuenow={known ? value : undefined}
      aria-valuetext={known ? `${percent.toFixed(0)}%` : 'in progress'}
      className="h-3 w-full overflow-hidden rounded-full bg-slate-200"
    >
      <div
        className={`h-full rounded-full bg-sky-600 transition-[width] duration-300 ${known ? '' : 'w-1/3 animate-pulse'}`}
        style={known ? { width: `${percent}%` } : undefined}
      />
    </div>
  );
}
