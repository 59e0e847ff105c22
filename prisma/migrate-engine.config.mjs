// Config for the Prisma 6 CLI (`prisma-migrate-engine`), used only by scripts/prisma-migration.mjs to
// author and check migrations offline. Its WASM schema engine runs through a driver adapter; an
// in-memory PGlite serves as both the main and the shadow database, so no server is needed.
// Not read by Prisma 7 (which looks for prisma.config.ts in the project root).
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/**
 * The schema engine applies each migration to the shadow database as one executeRaw() call with no
 * parameters. node-postgres sends such a call as a simple query (several statements allowed);
 * pglite-prisma-adapter 0.7.2 always prepares it, which Postgres refuses for several statements.
 * Route parameterless calls through PGlite's simple-query `exec` to behave like pg.
 */
function allowScripts(adapter) {
  const prepared = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length > 0) return prepared(query);
    try {
      const results = await adapter.client.exec(query.sql);
      return results.at(-1)?.affectedRows ?? 0;
    } catch (error) {
      adapter.onError(error);
    }
  };
  // The adapter's dispose() is a no-op, and an open PGlite holds a 10 s timer that delays the CLI's
  // exit. The engine disposes of the shadow database (closed here); the main one it never disposes.
  adapter.dispose = () => adapter.client.close();
  return adapter;
}

function factory() {
  const base = new PrismaPGlite(new PGlite());
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => allowScripts(await base.connect()),
    connectToShadowDb: async () => allowScripts(await base.connectToShadowDb()),
  };
}

export default {
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => factory(),
};
