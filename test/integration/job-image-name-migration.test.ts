import { describe, expect, it } from 'vitest';
import { databaseBefore } from '../support/old-database';

/** Jobs queued before they kept their image's name get it from the image, or from an import's parameters. */
describe('the job image name migration', () => {
  it('names old jobs after their image, or the import they describe, and leaves the rest empty', () => {
    const old = databaseBefore('0009_job_image_name');
    const { sqlite } = old;
    const at = Date.now();
    sqlite.exec(`
      insert into images (id, name, os_type, category, disk_format, created_at, updated_at)
        values ('img', 'noble', 'linux', 'Linux', 'raw', ${at}, ${at});
      insert into jobs (id, kind, image_id, params, created_at, updated_at) values
        ('install', 'install', 'img', '{}', ${at}, ${at}),
        ('import', 'import', null, '{"imageName":"jammy"}', ${at}, ${at}),
        ('sync', 'sync-images', null, '{}', ${at}, ${at});
    `);

    old.migrateToNow();

    expect(sqlite.prepare('select id, image_name as name from jobs order by id').all()).toEqual([
      { id: 'import', name: 'jammy' },
      { id: 'install', name: 'noble' },
      { id: 'sync', name: null },
    ]);
    old.close();
  });
});
