import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` turns schema changes into a new SQL file in migrations/ (commit it).
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
});
