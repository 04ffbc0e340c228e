import { describe, expect, it } from 'vitest';
import { pageHref } from '@/components/ui/pagination';
import { requestedPages, tablePage } from '@/lib/locations/table-page';

/** Details pages hold several paged tables, each with its page in a search param of its own. */
describe('paged tables of a details page', () => {
  it('link to a page of one table, keeping the other tables where they are and landing on its section', () => {
    const pages = { nodesPage: 2, imagesPage: undefined, machinesPage: 3 };
    expect(pageHref('/locations/x', pages, 4, { param: 'imagesPage', fragment: 'section-images-attached' })).toBe(
      '/locations/x?nodesPage=2&machinesPage=3&imagesPage=4#section-images-attached',
    );
    // The first page is the bare URL of the others.
    expect(pageHref('/locations/x', pages, 1, { param: 'nodesPage' })).toBe('/locations/x?machinesPage=3');
    expect(pageHref('/locations/x', {}, 1, { param: 'nodesPage', fragment: 'section-nodes' })).toBe(
      '/locations/x#section-nodes',
    );
  });

  it('read each table’s page from the URL; anything but a page number is the first page', () => {
    expect(
      requestedPages({ imagesPage: '7', nodesPage: '-1', machinesPage: 'x' }, [
        'imagesPage',
        'nodesPage',
        'machinesPage',
        'sizesPage',
      ]),
    ).toEqual({
      imagesPage: 7,
      nodesPage: 1,
      machinesPage: 1,
      sizesPage: 1,
    });
  });

  it('show the last page for one past the end, and read no rows when there are none', async () => {
    const asked: number[][] = [];
    const load = async (limit: number, offset: number) => {
      asked.push([limit, offset]);
      return ['row'];
    };
    const last = { rows: ['row'], total: 60, page: 3, pageSize: 25, pageCount: 3 };
    expect(await tablePage(60, 9, load, 25)).toEqual(last);
    expect(asked).toEqual([[25, 50]]);
    expect(await tablePage(0, 2, load, 25)).toEqual({ rows: [], total: 0, page: 1, pageSize: 25, pageCount: 1 });
    expect(asked).toHaveLength(1);
  });
});
