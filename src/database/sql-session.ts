/** The migration runner's two calls over each driver; pg and PGlite agree on everything else it uses. */
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { SqlSession } from './migrate.js';

/** One pg connection (not a pool): BEGIN/COMMIT and the advisory lock must stay on one session. */
export function pgSession(client: pg.ClientBase): SqlSession {
  return {
    // pg sends a parameterless query with the simple protocol, which allows several statements.
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[],
  };
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await db.query<Row>(sql, params)).rows,
  };
}
