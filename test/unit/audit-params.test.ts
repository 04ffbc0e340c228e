import { describe, expect, it } from 'vitest';
import { auditTimeRange, DEFAULT_AUDIT_PAGE_SIZE, parseAuditSearchParams } from '@/lib/audit/schemas';

const known = { userIds: ['u-1', 'u-2'], actions: ['image.create', 'user.grant-role'], targetTypes: ['image', 'user'] };
const parse = (raw: Record<string, string | string[] | undefined>) => parseAuditSearchParams(raw, known);
const nothing = { filters: {}, page: 1, pageSize: DEFAULT_AUDIT_PAGE_SIZE, ignored: [] };
/** How `ignored` names each field. */
const LABELS = {
  userId: 'user',
  action: 'action',
  targetType: 'target type',
  targetId: 'target id',
  outcome: 'outcome',
  from: 'from',
  to: 'to',
  page: 'page',
  pageSize: 'page size',
};

describe('Audit page search params', () => {
  it('reads every filter, the page and the page size', () => {
    const parsed = parse({
      userId: 'u-2',
      action: 'user.grant-role',
      targetType: 'user',
      targetId: ' abc ',
      outcome: 'denied',
      from: '2026-11-01',
      to: '2026-11-24T09:30',
      page: '3',
      pageSize: '50',
    });
    expect(parsed).toEqual({
      filters: {
        userId: 'u-2',
        action: 'user.grant-role',
        targetType: 'user',
        targetId: 'abc',
        outcome: 'denied',
        from: '2026-11-01',
        to: '2026-11-24T09:30',
      },
      page: 3,
      pageSize: 50,
      ignored: [],
    });
  });

  it('treats empty fields as no filter and defaults the page', () => {
    expect(parse({ userId: '', action: ' ', outcome: '', from: '', page: '' })).toEqual({
      filters: {},
      page: 1,
      pageSize: DEFAULT_AUDIT_PAGE_SIZE,
      ignored: [],
    });
  });

  it('drops and names values that do not parse or are not offered', () => {
    const parsed = parse({
      userId: 'someone-else',
      action: "image.create' OR 1=1",
      targetType: 'node',
      targetId: 'x'.repeat(201),
      outcome: 'maybe',
      from: '2026-02-31',
      to: '2026-11-24T24:00',
      page: '-1',
      pageSize: '7',
    });
    expect(parsed.filters).toEqual({});
    expect(parsed.ignored).toEqual([
      'user',
      'action',
      'target type',
      'target id',
      'outcome',
      'from',
      'to',
      'page',
      'page size',
    ]);
    expect(parsed.page).toBe(1);
    expect(parsed.pageSize).toBe(DEFAULT_AUDIT_PAGE_SIZE);
  });

  it('takes the first of repeated keys', () => {
    expect(parse({ outcome: ['ok', 'denied'] }).filters).toEqual({ outcome: 'ok' });
  });

  it('never throws, whatever the URL holds: it drops and names what it cannot use', () => {
    const junk = [
      '',
      ' ',
      '0',
      '1e309',
      'NaN',
      '-0',
      '9'.repeat(400),
      '\u0000',
      '2026-13-01',
      'T',
      '2026-11-24T',
      '__proto__',
      'constructor',
      '%00',
      '[]',
      '{}',
    ];
    for (const value of junk) {
      for (const key of [
        'userId',
        'action',
        'targetType',
        'targetId',
        'outcome',
        'from',
        'to',
        'page',
        'pageSize',
        '__proto__',
      ]) {
        // A blank value or an unknown key is no filter; a target id is free text up to 200 characters;
        // nothing else in the list is a value the form offers.
        let want: object = nothing;
        if (value.trim() !== '' && key !== '__proto__')
          want =
            key === 'targetId' && value.length <= 200
              ? { ...nothing, filters: { targetId: value } }
              : { ...nothing, ignored: [LABELS[key as keyof typeof LABELS]] };
        expect(parse({ [key]: value }), `${key}=${value}`).toEqual(want);
        expect(parse({ [key]: [value, value] }), `${key}=${value} twice`).toEqual(want);
      }
    }
    expect(parseAuditSearchParams({}, { userIds: [], actions: [], targetTypes: [] })).toEqual(nothing);
  });

  it('turns the time range into [from, until): a date covers its whole day, a minute its minute', () => {
    expect(auditTimeRange({ from: '2026-11-01', to: '2026-11-02' })).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      until: new Date('2026-11-03T00:00:00Z'),
    });
    expect(auditTimeRange({ to: '2026-11-24T09:30' })).toEqual({
      from: undefined,
      until: new Date('2026-11-24T09:31:00Z'),
    });
    expect(auditTimeRange({})).toEqual({ from: undefined, until: undefined });
  });
});
