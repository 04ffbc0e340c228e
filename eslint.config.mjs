// Lint: Next.js's own rules (React, hooks, accessibility, Core Web Vitals) and typescript-eslint's.
// Formatting is Prettier's business (.prettierrc.json), so no stylistic rules here.
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    // Type-aware, for the one rule that needs types: a promise nobody awaits loses its errors and
    // its order. The data layer is becoming asynchronous (docs/architecture.md); this catches a
    // caller left behind.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // Until every statement is awaited, a SQLite transaction's body must be synchronous: better-
    // sqlite3 refuses a promise, and one that awaited would let other statements in between
    // (docs/architecture.md, Two databases). PostgreSQL's own (lib/db/copy.ts) may await.
    ignores: ['lib/db/copy.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='transaction'] > :function[async=true]",
          message: 'A SQLite transaction body must be synchronous for now; see docs/architecture.md.',
        },
      ],
    },
  },
  {
    rules: {
      // `_name` marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  globalIgnores([
    '.next/**',
    '.next-lane-*/**',
    'node_modules/**',
    'test-results/**',
    'playwright-report/**',
    'data/**',
    'drizzle/**',
    'next-env.d.ts',
  ]),
]);
