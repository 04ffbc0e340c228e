import { describe, expect, it } from 'vitest';
import {
  DEFAULT_IMAGE_PAGE_SIZE,
  imageSearchParams,
  imagesHref,
  parseImageSearchParams,
} from '@/lib/images/list-schemas';
import { hasAnyFilter } from '@/lib/search-params';

const DC = '11111111-1111-4111-8111-111111111111';
const OTHER_DC = '22222222-2222-4222-8222-222222222222';
const DEFAULTS = {
  filters: {},
  order: { sort: 'name', dir: 'asc' },
  page: 1,
  pageSize: DEFAULT_IMAGE_PAGE_SIZE,
  ignored: [],
};

describe('parseImageSearchParams', () => {
  it('reads every filter, the sort, the grouping, the page and the page size', () => {
    const parsed = parseImageSearchParams({
      q: '  ubuntu ',
      osType: 'windows',
      status: 'disabled',
      access: 'private',
      dataCenterId: DC,
      diskFormat: 'vhdx',
      tag: 'lts',
      sort: 'size',
      dir: 'asc',
      group: 'alias',
      page: '3',
      pageSize: '50',
    });
    expect(parsed).toEqual({
      filters: {
        q: 'ubuntu',
        osType: 'windows',
        status: 'disabled',
        access: 'private',
        dataCenterId: DC,
        diskFormat: 'vhdx',
        tag: 'lts',
      },
      order: { sort: 'size', dir: 'asc', group: 'alias' },
      page: 3,
      pageSize: 50,
      ignored: [],
    });
  });

  it('defaults to the first page of 25 by name, A to Z, without deleted images', () => {
    const parsed = parseImageSearchParams({});
    expect(parsed).toEqual(DEFAULTS);
    expect(hasAnyFilter(parsed.filters)).toBe(false);
  });

  it('treats the form’s empty “Any” values as no filter, not as invalid', () => {
    const blank = {
      q: ' ',
      osType: '',
      status: '',
      access: '',
      dataCenterId: '',
      diskFormat: '',
      tag: '',
      sort: '',
      dir: '',
      group: '',
      page: '',
      pageSize: '',
    };
    expect(parseImageSearchParams(blank)).toEqual(DEFAULTS);
  });

  it('sorts each column in its natural direction unless told', () => {
    expect(parseImageSearchParams({ sort: 'created' }).order).toEqual({ sort: 'created', dir: 'desc' });
    expect(parseImageSearchParams({ sort: 'size' }).order).toEqual({ sort: 'size', dir: 'desc' });
    expect(parseImageSearchParams({ sort: 'version' }).order).toEqual({ sort: 'version', dir: 'asc' });
    expect(parseImageSearchParams({ sort: 'created', dir: 'asc' }).order).toEqual({ sort: 'created', dir: 'asc' });
  });

  it('drops invalid values without throwing and names them', () => {
    const parsed = parseImageSearchParams({
      osType: 'plan9',
      status: 'exploded',
      access: 'secret',
      dataCenterId: 'not-a-uuid',
      diskFormat: 'qcow2; drop table images',
      sort: 'popularity',
      dir: 'sideways',
      group: 'os',
      page: '-2',
      pageSize: '7',
      q: 'x'.repeat(101),
      tag: 't'.repeat(65),
    });
    expect(parsed.filters).toEqual({});
    expect(parsed.order).toEqual({ sort: 'name', dir: 'asc' });
    expect(parsed.page).toBe(1);
    expect(parsed.pageSize).toBe(25);
    expect(parsed.ignored).toEqual([
      'search',
      'OS',
      'status',
      'access',
      'data center',
      'format',
      'tag',
      'sort',
      'sort direction',
      'grouping',
      'page',
      'page size',
    ]);
  });

  it.each(['abc', '1.5', '0', '1e9', 'Infinity'])('ignores the page %s', (page) => {
    const parsed = parseImageSearchParams({ page });
    expect(parsed.page).toBe(1);
    expect(parsed.ignored).toEqual(['page']);
  });

  it('ignores a data center the user has no option for', () => {
    const parsed = parseImageSearchParams({ dataCenterId: OTHER_DC, osType: 'bsd' }, { dataCenterIds: [DC] });
    expect(parsed.filters).toEqual({ osType: 'bsd' });
    expect(parsed.ignored).toEqual(['data center']);
  });

  it('keeps search text as typed, LIKE wildcards included (the query escapes them)', () => {
    expect(parseImageSearchParams({ q: '50%_off\\' }).filters).toEqual({ q: '50%_off\\' });
  });

  it('reads the older ?show=deleted link as “all, deleted too”; an explicit access wins', () => {
    expect(parseImageSearchParams({ show: 'deleted' }).filters).toEqual({ access: 'all' });
    expect(parseImageSearchParams({ show: 'deleted', access: 'private' }).filters).toEqual({ access: 'private' });
    expect(parseImageSearchParams({ show: 'everything' }).filters).toEqual({});
  });

  it('takes the first of a repeated key', () => {
    expect(parseImageSearchParams({ osType: ['linux', 'bsd'] }).filters).toEqual({ osType: 'linux' });
  });
});

describe('imageSearchParams and imagesHref', () => {
  it('leave every default out, so the default listing is the bare /images', () => {
    const { ignored: _, ...search } = parseImageSearchParams({});
    expect(imagesHref(imageSearchParams(search))).toBe('/images');
  });

  it('round-trip a search through its URL', () => {
    const { ignored: _, ...search } = parseImageSearchParams({
      q: 'a b&c',
      tag: 'lts',
      sort: 'created',
      dir: 'asc',
      group: 'alias',
      pageSize: '100',
      page: '4',
    });
    const href = imagesHref(imageSearchParams(search));
    expect(href).toBe('/images?q=a+b%26c&tag=lts&sort=created&dir=asc&group=alias&pageSize=100');
    const again = parseImageSearchParams(Object.fromEntries(new URL(href, 'http://x').searchParams));
    expect(again).toEqual({ ...search, page: 1, ignored: [] });
  });
});
