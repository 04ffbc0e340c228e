// Lint: Next.js's own rules (React, hooks, accessibility, Core Web Vitals) and typescript-eslint's.
// Formatting is Prettier's business (.prettierrc.json), so no stylistic rules here.
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
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
