// Stands in for the `server-only` package under Vitest, where Next.js's react-server condition is absent.
export {};
