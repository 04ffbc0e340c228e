import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/lib/db/client';
import { dataCenters } from '@/lib/db/schema';
import { sqliteConnectionOf } from '@/lib/db/sqlite-connection';

/**
 * SQLite has one connection per process, and a transaction's body awaits. These tests show that a
 * statement from elsewhere, issued while a transaction waits on something, neither runs inside it
 * nor is rolled back with it, and that two transactions never interleave.
 */
const db: Db = openDatabase(path.join(os.tmpdir(), `sqlite-turns-${crypto.randomUUID()}.db`));
afterAll(() => sqliteConnectionOf(db)!.handle.close());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const insert = (runner: Pick<Db, 'insert'>, code: string) =>
  runner.insert(dataCenters).values({ id: crypto.randomUUID(), code, name: code, createdAt: new Date() });
const codes = async () =>
  (await db.select({ code: dataCenters.code }).from(dataCenters).orderBy(asc(dataCenters.createdAt))).map(
    (row) => row.code,
  );

describe('a SQLite transaction holds the connection until it ends', () => {
  it('keeps an outside write out of a transaction that is rolled back while it waited', async () => {
    const order: string[] = [];
    const failing = db
      .transaction(async (tx) => {
        await insert(tx, 'inside-1');
        order.push('inside-1');
        await pause(100);
        await insert(tx, 'inside-2');
        order.push('inside-2');
        throw new Error('rolled back on purpose');
      })
      .catch((err: Error) => err.message);
    await pause(20);
    // Issued while the transaction sleeps between its two writes.
    const outside = insert(db, 'outside').then(() => order.push('outside'));

    expect(await failing).toBe('rolled back on purpose');
    await outside;
    expect(order).toEqual(['inside-1', 'inside-2', 'outside']);
    // Had it run inside the transaction, the rollback would have taken it along.
    expect(await codes()).toEqual(['outside']);
    await db.delete(dataCenters).where(eq(dataCenters.code, 'outside'));
  });

  it('runs two overlapping transactions one after the other', async () => {
    const order: string[] = [];
    const body = (name: string) => async (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => {
      for (const step of [1, 2, 3]) {
        await insert(tx, `${name}-${step}`);
        order.push(`${name}-${step}`);
        await pause(15);
      }
    };
    await Promise.all([db.transaction(body('a')), pause(5).then(() => db.transaction(body('b')))]);
    expect(order).toEqual(['a-1', 'a-2', 'a-3', 'b-1', 'b-2', 'b-3']);
    expect(await codes()).toEqual(['a-1', 'a-2', 'a-3', 'b-1', 'b-2', 'b-3']);
  });

  it('lets a transaction read what it wrote, and a nested one join it', async () => {
    const seen = await db.transaction(async (tx) => {
      await insert(tx, 'written-first');
      return db.transaction(async (inner) => (await inner.select().from(dataCenters)).length);
    });
    expect(seen).toBe(7);
  });
});
