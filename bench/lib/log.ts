/** Progress goes to stderr, timestamped, so that with --json stdout holds the JSON object alone. */
export const log = (message: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
