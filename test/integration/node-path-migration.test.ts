import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';

/**
 * The migration that made node files keep their identity moves nothing on the nodes: rows that
 * record a path keep it, and rows that had none get the name older versions gave the file, so a
 * paused install still finds its .part.
 */
describe('the node-path migration', () => {
  it('keeps every recorded path and gives path-less rows the name the file had before', () => {
    const journal = JSON.parse(fs.readFileSync('drizzle/meta/_journal.json', 'utf8')) as { entries: { tag: string }[] };
    const index = journal.entries.findIndex((e) => e.tag === '0007_job_leases_file_identity');
    expect(index).toBeGreaterThan(0);
    // The migrations up to the one before, as a database from that version had them.
    const before = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-migrations-'));
    fs.mkdirSync(path.join(before, 'meta'));
    fs.writeFileSync(
      path.join(before, 'meta', '_journal.json'),
      JSON.stringify({ ...journal, entries: journal.entries.slice(0, index) }),
    );
    for (const entry of journal.entries.slice(0, index))
      fs.copyFileSync(`drizzle/${entry.tag}.sql`, path.join(before, `${entry.tag}.sql`));

    const sqlite = new Database(path.join(before, 'old.db'));
    const db = drizzle({ client: sqlite });
    migrate(db, { migrationsFolder: before });
    const at = Date.now();
    sqlite.exec(`
      insert into data_centers (id, code, name, created_at) values ('dc', 'dc', 'DC', ${at});
      insert into credentials (id, name, public_key, encrypted_private_key, created_at) values ('c', 'k', 'ssh-ed25519 A', 'v1.x.y.z', ${at});
      insert into nodes (id, data_center_id, name, host, ssh_user, credential_id, host_key_fingerprint, image_dir, created_at, updated_at)
        values ('n', 'dc', 'n', '127.0.0.9', 'u', 'c', 'SHA256:x', '/srv/images', ${at}, ${at});
      insert into images (id, name, os_type, category, disk_format, created_at, updated_at)
        values ('a', 'ubuntu-22.04', 'linux', 'Linux', 'qcow2', ${at}, ${at}), ('b', 'debian-12', 'linux', 'Linux', 'raw', ${at}, ${at});
      insert into node_images (node_id, image_id, state, path, updated_at) values ('n', 'a', 'installed', '/srv/images/old-name.qcow2', ${at});
      insert into node_images (node_id, image_id, state, updated_at) values ('n', 'b', 'installing', ${at});
    `);

    migrate(db, { migrationsFolder: 'drizzle' });

    const paths = sqlite.prepare('select image_id as imageId, path from node_images order by image_id').all();
    expect(paths).toEqual([
      { imageId: 'a', path: '/srv/images/old-name.qcow2' },
      { imageId: 'b', path: '/srv/images/debian-12.raw' },
    ]);
    sqlite.close();
    fs.rmSync(before, { recursive: true, force: true });
  });
});
