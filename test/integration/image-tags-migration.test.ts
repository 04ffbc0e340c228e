import { describe, expect, it } from 'vitest';
import { databaseBefore } from '../support/old-database';

/** Images tagged before image_tags existed get their rows from images.tags. */
describe('the image tags migration', () => {
  it('gives every image one row per tag it has, strings only, and none to an image without tags', () => {
    const old = databaseBefore('0017_image_tags');
    const { sqlite } = old;
    const at = Date.now();
    sqlite.exec(`
      insert into images (id, name, os_type, category, disk_format, tags, created_at, updated_at) values
        ('noble', 'noble', 'linux', 'Linux', 'raw', '["lts","cloud"]', ${at}, ${at}),
        ('jammy', 'jammy', 'linux', 'Linux', 'raw', '["lts","lts",7]', ${at}, ${at}),
        ('bare', 'bare', 'linux', 'Linux', 'raw', '[]', ${at}, ${at});
    `);

    old.migrateToNow();

    expect(sqlite.prepare('select image_id as imageId, tag from image_tags order by image_id, tag').all()).toEqual([
      { imageId: 'jammy', tag: 'lts' },
      { imageId: 'noble', tag: 'cloud' },
      { imageId: 'noble', tag: 'lts' },
    ]);
    old.close();
  });
});
