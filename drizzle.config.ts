import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './lib/db/schema.ts',
  out: './drizzle/sqlite',
  casing: 'snake_case',
  dbCredentials: { url: process.env.DATABASE_URL ?? './data/portal.db' },
});
