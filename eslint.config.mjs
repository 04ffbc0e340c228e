// Lint: Next.js's own rules (React, hooks, accessibility, Core Web Vitals) and typescript-eslint's.
// Formatting is Prettier's business (.prettierrc.json), so no stylistic rules here.
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    // Type-aware, for the rules that need types: a promise nobody awaits loses its errors and its
    // order, and an await of something that is not a promise says the code is not what it seems.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A promise handed where nothing will wait for it (a callback typed to return nothing) runs
      // unordered and loses its errors. JSX event handlers are React's to run, and exempt.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
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
