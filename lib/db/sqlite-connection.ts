import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { drizzle } from 'drizzle-orm/sqlite-proxy';
import * as schema from './schema';
import type { Db, Tx } from './types';

type Method = 'run' | 'all' | 'values' | 'get';

/**
 * Which connection a database or transaction handle made here belongs to (rawRows needs it). A
 * property under a registered symbol, not a module-level map: Next.js bundles this module more than
 * once in a process, and every copy must find the connection of a handle another copy made.
 */
const CONNECTION = Symbol.for('cloud-broker-portal.sqlite-connection');
const mark = (handle: object, connection: SqliteConnection) =>
  Object.defineProperty(handle, CONNECTION, { value: connection });

/**
 * One better-sqlite3 connection behind drizzle's asynchronous interface, so the domain code awaits
 * its queries on SQLite as it does on PostgreSQL.
 *
 * The connection is one, and a transaction's body awaits; between its awaits any other request's
 * statement would run inside it, and be committed or rolled back with it. So a transaction holds
 * the connection's turn from BEGIN IMMEDIATE to COMMIT: every statement is tagged (through
 * AsyncLocalStorage) with the transaction it belongs to, if any, and a statement of anyone else
 * waits until the turn is free. Transactions wait their turn the same way, one after another.
 */
export class SqliteConnection {
  readonly db: Db;
  private holder: symbol | null = null;
  private waiters: (() => void)[] = [];
  /** What the running code holds: the turn's token, and the transaction open in it. */
  private readonly turn = new AsyncLocalStorage<{ holder: symbol; tx?: Tx }>();
  private readonly dialect = new SQLiteSyncDialect({ casing: 'snake_case' });

  constructor(readonly handle: Database.Database) {
    this.db = drizzle(
      (sql, params, method) => this.statement(sql, params, method),
      // The batch callback is here for the signature: only this form passes `casing` on to drizzle.
      async (batch) => {
        const results = [];
        for (const { sql, params, method } of batch) results.push(await this.statement(sql, params, method));
        return results;
      },
      { schema, casing: 'snake_case' },
    ) as unknown as Db;
    const transaction = this.db.transaction.bind(this.db);
    // Immediate: in WAL mode a deferred transaction that reads and then writes fails at once
    // (SQLITE_BUSY_SNAPSHOT) when another process wrote in between; an immediate one waits its turn.
    this.db.transaction = ((body: (tx: Tx) => Promise<unknown>, config) => {
      // One inside another that is open shares its connection: it becomes a savepoint of it.
      const open = this.heldHere()?.tx;
      if (open) return open.transaction(body);
      return this.inTurn(() =>
        transaction(
          (tx) => {
            mark(tx, this);
            return this.turn.run({ holder: this.holder!, tx }, () => body(tx));
          },
          { behavior: 'immediate', ...config },
        ),
      );
    }) as Db['transaction'];
    mark(this.db, this);
  }

  /**
   * Runs `work` holding the connection's turn: statements it makes, awaited or not, run as part of
   * it, and everyone else's wait.
   */
  async inTurn<T>(work: () => Promise<T>): Promise<T> {
    if (this.heldHere()) return work();
    while (this.holder) await new Promise<void>((resolve) => this.waiters.push(resolve));
    const holder = Symbol('turn');
    this.holder = holder;
    try {
      return await this.turn.run({ holder }, work);
    } finally {
      this.holder = null;
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  /** Hand-written SQL, answered as objects keyed by column name, in the caller's turn. */
  async rows<T>(query: SQL): Promise<T[]> {
    const { sql, params } = this.dialect.sqlToQuery(query);
    await this.waitForTurn();
    return this.handle.prepare(sql).all(...params) as T[];
  }

  /** Hand-written SQL run for its effect, in the caller's turn. */
  async execute(query: SQL): Promise<void> {
    const { sql, params } = this.dialect.sqlToQuery(query);
    await this.waitForTurn();
    this.handle.prepare(sql).run(...params);
  }

  /** The running code's hold on the turn, when it is the one holding it now. */
  private heldHere() {
    const store = this.turn.getStore();
    return this.holder && store?.holder === this.holder ? store : undefined;
  }

  private async waitForTurn(): Promise<void> {
    while (this.holder && !this.heldHere()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** drizzle's proxy callback: rows as arrays, as drizzle maps them to its fields itself. */
  private async statement(sql: string, params: unknown[], method: Method): Promise<{ rows: unknown[] }> {
    await this.waitForTurn();
    const prepared = this.handle.prepare(sql);
    if (method === 'run') {
      const { changes, lastInsertRowid } = prepared.run(...params);
      return { rows: [], changes, lastInsertRowid } as { rows: unknown[] };
    }
    if (!prepared.reader) {
      prepared.run(...params);
      return { rows: [] };
    }
    prepared.raw(true);
    if (method === 'get') return { rows: prepared.get(...params) as unknown[] };
    return { rows: prepared.all(...params) };
  }
}

/** The connection behind a database or transaction handle made here, or undefined for PostgreSQL's. */
export function sqliteConnectionOf(db: Db | Tx): SqliteConnection | undefined {
  return (db as { [CONNECTION]?: SqliteConnection })[CONNECTION];
}
