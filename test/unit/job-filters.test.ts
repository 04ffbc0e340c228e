import { describe, expect, it } from 'vitest';
import { pageHref } from '@/components/ui/pagination';
import { DEFAULT_JOB_PAGE_SIZE, parseJobSearchParams } from '@/lib/jobs/schemas';
import { hasAnyFilter } from '@/lib/search-params';

const NODE = '11111111-1111-4111-8111-111111111111';
const IMAGE = '22222222-2222-4222-8222-222222222222';
const known = { nodeIds: [NODE], imageIds: [IMAGE] };

describe('parseJobSearchParams', () => {
  it('reads every filter, the page and the page size', () => {
    const parsed = parseJobSearchParams(
      { status: 'paused', kind: 'sync-images', nodeId: NODE, imageId: IMAGE, page: '3', pageSize: '50' },
      known,
    );
    expect(parsed).toEqual({
      filters: { status: 'paused', kind: 'sync-images', nodeId: NODE, imageId: IMAGE },
      page: 3,
      pageSize: 50,
      ignored: [],
    });
  });

  it('defaults to the first page of 25 with no filters', () => {
    const parsed = parseJobSearchParams({}, known);
    expect(parsed).toEqual({ filters: {}, page: 1, pageSize: DEFAULT_JOB_PAGE_SIZE, ignored: [] });
    expect(hasAnyFilter(parsed.filters)).toBe(false);
  });

  it('treats the form’s empty “Any” values as no filter, not as invalid', () => {
    const parsed = parseJobSearchParams(
      { status: '', kind: '', nodeId: '', imageId: '', page: '', pageSize: '' },
      known,
    );
    expect(parsed).toEqual({ filters: {}, page: 1, pageSize: 25, ignored: [] });
  });

  it('drops invalid values without throwing and names them', () => {
    const parsed = parseJobSearchParams(
      { status: 'exploded', kind: 'install; drop table jobs', page: '-2', pageSize: '7' },
      known,
    );
    expect(parsed.filters).toEqual({});
    expect(parsed.page).toBe(1);
    expect(parsed.pageSize).toBe(25);
    expect(parsed.ignored).toEqual(['status', 'kind', 'page', 'page size']);
  });

  it.each(['abc', '1.5', '0', '1e9', 'Infinity'])('ignores the page %s', (page) => {
    const parsed = parseJobSearchParams({ page }, known);
    expect(parsed.page).toBe(1);
    expect(parsed.ignored).toEqual(['page']);
  });

  it('ignores node and image ids the user has no option for', () => {
    const parsed = parseJobSearchParams({ nodeId: IMAGE, imageId: 'not-an-id', status: 'failed' }, known);
    expect(parsed.filters).toEqual({ status: 'failed' });
    expect(parsed.ignored).toEqual(['node', 'image']);
  });

  it('takes the first of a repeated key', () => {
    const parsed = parseJobSearchParams({ status: ['running', 'failed'] }, known);
    expect(parsed.filters).toEqual({ status: 'running' });
  });
});

describe('pageHref', () => {
  it('keeps the other params and leaves page 1 out of the URL', () => {
    const params = { status: 'failed', nodeId: NODE, imageId: undefined, page: 4 };
    expect(pageHref('/jobs', params, 2)).toBe(`/jobs?status=failed&nodeId=${NODE}&page=2`);
    expect(pageHref('/jobs', params, 1)).toBe(`/jobs?status=failed&nodeId=${NODE}`);
    expect(pageHref('/jobs', {}, 1)).toBe('/jobs');
  });
});
