import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db, firstRow } from '@/lib/db/client';
import { sqliteConnectionOf } from '@/lib/db/sqlite-connection';
import { auditEvents, credentials, dataCenters, images, jobs, nodeImages, nodes, users } from '@/lib/db/tables';
import { seedLarge, type SeedSize } from '@/scripts/seed-large';

const SMALL: SeedSize = { images: 120, nodes: 8, nodeImages: 400, jobs: 900, auditEvents: 700 };

/** The page benchmark's baseline: one row of each kind. */
const ONE_OF_EACH: SeedSize = { images: 1, nodes: 1, nodeImages: 1, jobs: 1, auditEvents: 1 };

/** SQL: the image is usable in the node's data center, bound to it or attached to it (the placement rule). */
const USABLE_ON_NODE = (nodeId: string, imageId: string) =>
  `exists (select 1 from nodes n join images i on i.id = ${imageId} where n.id = ${nodeId}
     and (i.dc_bound_id = n.data_center_id
       or exists (select 1 from image_data_centers idc where idc.image_id = i.id and idc.data_center_id = n.data_center_id)))`;

const scratchDatabase = () => openDatabase(path.join(os.tmpdir(), `seed-large-${crypto.randomUUID()}.db`));

const tableCounts = async (db: Db) => {
  const counts: Record<string, number> = {};
  for (const [name, table] of Object.entries({
    dataCenters,
    images,
    nodes,
    nodeImages,
    credentials,
    jobs,
    auditEvents,
    users,
  }))
    counts[name] = (await firstRow(db.select({ n: count() }).from(table)))!.n;
  return counts;
};

const handleOf = (db: Db) => sqliteConnectionOf(db)!.handle;
const one = <T>(db: Db, sql: string) => handleOf(db).prepare(sql).get() as T;

describe('seedLarge', () => {
  it('makes the asked numbers of every kind of row once; a second run changes nothing', async () => {
    const db = scratchDatabase();
    try {
      const made = await seedLarge(db, SMALL);
      expect(made).toEqual({ dataCenters: 4, ...SMALL });
      const after = await tableCounts(db);
      // No users: the portal creates its first SuperAdmin only in a database without any.
      expect(after).toEqual({ dataCenters: 4, ...SMALL, credentials: 1, users: 0 });
      // Several versions per alias, and every node fake, on the address where nothing answers.
      expect(
        one<{ most: number }>(
          db,
          'select max(n) as most from (select count(*) as n from images where alias is not null group by alias)',
        ).most,
      ).toBeGreaterThan(1);
      expect(one(db, "select count(*) as n from nodes where host <> '127.0.0.254'")).toEqual({ n: 0 });

      expect(await seedLarge(db, SMALL)).toBeNull();
      expect(await tableCounts(db)).toEqual(after);
    } finally {
      handleOf(db).close();
    }
  });

  it('makes only finished jobs, each in the data center of its node, and audit events filed under a data center', async () => {
    const db = scratchDatabase();
    try {
      await seedLarge(db, SMALL);
      // A queued or running job would be claimed by the portal's runner, which would try the fake nodes.
      expect(
        one(db, "select count(*) as n from jobs where status not in ('succeeded', 'failed', 'cancelled')"),
      ).toEqual({ n: 0 });
      expect(
        one(
          db,
          'select count(*) as n from jobs j join nodes n on n.id = j.node_id where j.data_center_id <> n.data_center_id',
        ),
      ).toEqual({ n: 0 });
      expect(one(db, 'select count(*) as n from jobs where data_center_id is null')).toEqual({ n: 0 });
      expect(one(db, 'select count(*) as n from audit_events where data_center_id is null')).toEqual({ n: 0 });
      // Spread over time, oldest first, so the listings' newest-first pages differ from the table order.
      const span = one<{ first: number; last: number }>(
        db,
        'select min(created_at) as first, max(created_at) as last from jobs',
      );
      expect(span.last - span.first).toBeGreaterThan(300 * 24 * 3600 * 1000);
    } finally {
      handleOf(db).close();
    }
  });

  it('follows the placement rule: a node has only images bound or attached to its data center', async () => {
    // Three nodes with 80 rows each: more than the images chance attaches to a data center, so the
    // seed attaches more there.
    for (const size of [SMALL, ONE_OF_EACH, { ...SMALL, nodes: 3, nodeImages: 240 }]) {
      const db = scratchDatabase();
      try {
        expect(await seedLarge(db, size)).not.toBeNull();
        // Not only the offered rows: every file on a node got there by an install, which needs the same.
        expect(
          one(
            db,
            `select count(*) as n from node_images ni where not (${USABLE_ON_NODE('ni.node_id', 'ni.image_id')})`,
          ),
        ).toEqual({ n: 0 });
        expect(
          one(
            db,
            `select count(*) as n from jobs j where j.kind in ('install', 'uninstall') and not (${USABLE_ON_NODE('j.node_id', 'j.image_id')})`,
          ),
        ).toEqual({ n: 0 });
        // A DC-bound image is attached to its own data center, as creating one does, and nowhere else.
        expect(
          one(
            db,
            'select count(*) as n from images i where i.dc_bound_id is not null and (select group_concat(data_center_id) from image_data_centers where image_id = i.id) is not i.dc_bound_id',
          ),
        ).toEqual({ n: 0 });
      } finally {
        handleOf(db).close();
      }
    }
  });

  it('gives Location Details gauges that agree: no more images available than attached', async () => {
    const db = scratchDatabase();
    try {
      await seedLarge(db, SMALL);
      // As lib/locations/gauges.ts counts them.
      const gauges = handleOf(db)
        .prepare(
          `select dc.id,
             (select count(*) from images where dc_bound_id = dc.id
                or id in (select image_id from image_data_centers where data_center_id = dc.id)) as attached,
             (select count(distinct ni.image_id) from node_images ni join nodes n on n.id = ni.node_id
                where n.data_center_id = dc.id and n.status = 'enabled' and ni.state = 'installed' and ni.available = 1) as available
           from data_centers dc`,
        )
        .all() as { attached: number; available: number }[];
      expect(gauges).toHaveLength(4);
      for (const gauge of gauges) {
        expect(gauge.available).toBeGreaterThan(0);
        expect(gauge.available).toBeLessThanOrEqual(gauge.attached);
      }
    } finally {
      handleOf(db).close();
    }
  });

  it('refuses more node-image rows than node and image pairs', async () => {
    const db = scratchDatabase();
    try {
      await expect(seedLarge(db, { ...SMALL, images: 2, nodes: 2, nodeImages: 5 })).rejects.toThrow(
        /More node-image rows/,
      );
    } finally {
      handleOf(db).close();
    }
  });
});
