import { describe, expect, it } from 'vitest';
import { databaseBefore } from '../support/old-database';

/**
 * The placement rule came after installs on data centers an image was never attached to. The
 * migration that brought it stops those copies being offered, keeps the files, and audits each change.
 */
describe('the placement-rule migration', () => {
  it('withdraws the offers that break the rule, audited, and leaves the others alone', () => {
    const old = databaseBefore('0008_placement_rule');
    const { sqlite } = old;
    const at = Date.now();
    sqlite.exec(`
      insert into data_centers (id, code, name, created_at) values ('dc1', 'dc1', 'One', ${at}), ('dc2', 'dc2', 'Two', ${at});
      insert into credentials (id, name, public_key, encrypted_private_key, created_at) values ('c', 'k', 'ssh-ed25519 A', 'v1.x.y.z', ${at});
      insert into nodes (id, data_center_id, name, host, ssh_user, credential_id, host_key_fingerprint, image_dir, created_at, updated_at)
        values ('n1', 'dc1', 'n1', '127.0.0.9', 'u', 'c', 'SHA256:x', '/srv', ${at}, ${at}),
               ('n2', 'dc2', 'n2', '127.0.0.10', 'u', 'c', 'SHA256:y', '/srv', ${at}, ${at});
      insert into images (id, name, os_type, category, disk_format, dc_bound_id, created_at, updated_at)
        values ('attached', 'attached', 'linux', 'Linux', 'raw', null, ${at}, ${at}),
               ('bound', 'bound', 'linux', 'Linux', 'raw', 'dc2', ${at}, ${at}),
               ('stray', 'stray', 'linux', 'Linux', 'raw', null, ${at}, ${at});
      insert into image_data_centers (image_id, data_center_id, attached_at) values ('attached', 'dc1', ${at});
      insert into node_images (node_id, image_id, state, available, path, updated_at) values
        ('n1', 'attached', 'installed', 1, '/srv/a', ${at}),
        ('n2', 'attached', 'installed', 1, '/srv/a', ${at}),
        ('n2', 'bound', 'installed', 1, '/srv/b', ${at}),
        ('n1', 'stray', 'installed', 1, '/srv/s', ${at}),
        ('n2', 'stray', 'installed', 0, '/srv/s', ${at});
    `);

    old.migrateToNow();

    const offered = sqlite
      .prepare('select node_id as node, image_id as image, available from node_images order by image_id, node_id')
      .all();
    expect(offered).toEqual([
      { node: 'n1', image: 'attached', available: 1 },
      { node: 'n2', image: 'attached', available: 0 },
      { node: 'n2', image: 'bound', available: 1 },
      { node: 'n1', image: 'stray', available: 0 },
      { node: 'n2', image: 'stray', available: 0 },
    ]);
    const audit = sqlite
      .prepare(
        'select action, target_id as image, data_center_id as dc, outcome, details from audit_events order by target_id',
      )
      .all() as { details: string }[];
    expect(audit.map((a) => ({ ...a, details: JSON.parse(a.details) }))).toEqual([
      {
        action: 'image.placement.withdraw',
        image: 'attached',
        dc: 'dc2',
        outcome: 'ok',
        details: { nodeId: 'n2', reason: "not attached to the node's data center (placement rule, migration 0008)" },
      },
      {
        action: 'image.placement.withdraw',
        image: 'stray',
        dc: 'dc1',
        outcome: 'ok',
        details: { nodeId: 'n1', reason: "not attached to the node's data center (placement rule, migration 0008)" },
      },
    ]);
    old.close();
  });
});
