import { describe, expect, it } from 'vitest';
import { databaseBefore } from '../support/old-database';

/**
 * The migration that made node files keep their identity moves nothing on the nodes: rows that
 * record a path keep it, and rows that had none get the name older versions gave the file, so a
 * paused install still finds its .part.
 */
describe('the node-path migration', () => {
  it('keeps every recorded path and gives path-less rows the name the file had before', () => {
    const old = databaseBefore('0007_job_leases_file_identity');
    const { sqlite } = old;
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

    old.migrateToNow();

    const paths = sqlite.prepare('select image_id as imageId, path from node_images order by image_id').all();
    expect(paths).toEqual([
      { imageId: 'a', path: '/srv/images/old-name.qcow2' },
      { imageId: 'b', path: '/srv/images/debian-12.raw' },
    ]);
    old.close();
  });
});
