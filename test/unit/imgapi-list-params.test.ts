import { describe, expect, it } from 'vitest';
import { ImgapiError } from '@/lib/imgapi/serve/errors';
import { parseListParams } from '@/lib/imgapi/serve/list-params';

const parse = (query: string) => parseListParams(new URLSearchParams(query));
const UUID = '6f1f7c52-5b6e-4d7e-9a51-0c4a3f3a9b01';

function refusal(query: string): ImgapiError {
  try {
    parse(query);
  } catch (err) {
    if (err instanceof ImgapiError) return err;
    throw err;
  }
  throw new Error(`"${query}" was accepted`);
}

describe('parseListParams', () => {
  it('defaults to active images, 1000 of them, oldest first', () => {
    expect(parse('')).toEqual({ state: 'active', limit: 1000, descending: false, onlyPrivate: false });
  });

  it('reads every filter, ~substrings, !type, limit, marker and sort; unknown parameters are ignored', () => {
    expect(
      parse(
        `name=~ubu&version=1.0&os=linux&type=!zvol&state=all&limit=5&marker=${UUID.toUpperCase()}&sort=published_at.desc&account=x`,
      ),
    ).toEqual({
      name: { contains: 'ubu' },
      version: { equals: '1.0' },
      os: 'linux',
      type: { not: 'zvol' },
      state: 'all',
      limit: 5,
      marker: { uuid: UUID },
      descending: true,
      onlyPrivate: false,
    });
    expect(parse('version=~2024&type=zvol&sort=published_at.asc&public=false')).toMatchObject({
      version: { contains: '2024' },
      type: { equals: 'zvol' },
      descending: false,
      onlyPrivate: true,
    });
  });

  it('takes a date as marker, as IMGAPI does', () => {
    expect(parse('marker=2024-06-01T00:00:00Z').marker).toEqual({ since: new Date('2024-06-01T00:00:00Z') });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=-1', 'limit'],
    ['state=deleted', 'state'],
    ['sort=name', 'sort'],
    ['marker=yesterday-ish', 'marker'],
    ['version=~', 'version'],
    ['name=', 'name'],
    ['public=yes', 'public'],
    ['limit=1&limit=2', 'limit'],
  ])('refuses %s as an InvalidParameter naming %s (400)', (query, field) => {
    const err = refusal(query);
    expect(err.code).toBe('InvalidParameter');
    expect(err.status).toBe(400);
    expect(err.message).toContain(`"${field}"`);
    expect(err.errors?.map((e) => e.field)).toEqual([field]);
  });
});
