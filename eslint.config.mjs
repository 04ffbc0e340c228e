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
