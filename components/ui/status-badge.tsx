const TONES = {
  green: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  blue: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  amber: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  red: 'bg-red-50 text-red-800 ring-red-600/20',
  grey: 'bg-slate-100 text-slate-700 ring-slate-500/20',
} as const;

/** Every status word of the domain, with the colour that says how an operator should feel about it. */
const STATUS_TONE: Record<string, keyof typeof TONES> = {
  enabled: 'green',
  active: 'green',
  ok: 'green',
  installed: 'green',
  succeeded: 'green',
  published: 'green',
  connected: 'green',
  public: 'green',
  running: 'blue',
  installing: 'blue',
  publishing: 'blue',
  queued: 'blue',
  pending: 'blue',
  unverified: 'amber',
  removing: 'blue',
  maintenance: 'amber',
  interrupted: 'amber',
  paused: 'amber',
  protected: 'blue',
  private: 'amber',
  denied: 'amber',
  missing: 'red',
  error: 'red',
  failed: 'red',
  decommissioned: 'grey',
  disabled: 'grey',
  cancelled: 'grey',
  removed: 'grey',
  untested: 'grey',
  deleted: 'grey',
  revoked: 'grey',
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  const tone = TONES[STATUS_TONE[status] ?? 'grey'];
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tone}`}>
      {label ?? status}
    </span>
  );
}
