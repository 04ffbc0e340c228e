import { TextLink } from '@/components/ui/text-link';
import type { AuditRef } from '@/lib/audit/targets';

/**
 * A name from the audit log: a link where the thing still exists and the viewer may open it, plain
 * text otherwise, and "(removed)" after the name an event recorded for something now gone. In a
 * compact line it stays on one line, cut with an ellipsis; the full name is in its title and in the
 * event's details.
 */
export function AuditRefName({ value, compact = false }: { value: AuditRef; compact?: boolean }) {
  const fit = compact ? 'inline-block max-w-[14rem] truncate align-bottom' : 'break-normal';
  return (
    <>
      {value.href ? (
        <TextLink href={value.href} className={fit} title={compact ? value.name : undefined}>
          {value.name}
        </TextLink>
      ) : (
        <span className={fit} title={compact ? value.name : undefined}>
          {value.name}
        </span>
      )}
      {!value.exists && value.id !== null && <span className="text-xs text-slate-500"> (removed)</span>}
    </>
  );
}
