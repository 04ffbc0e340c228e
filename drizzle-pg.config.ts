import { defineConfig } from 'drizzle-kit';

// The PostgreSQL migrations, from the schema scripts/generate-pg-schema.ts derives from the SQLite one.
export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema-pg.ts',
  out: './drizzle/pg',
  casing: 'snake_case',
});
