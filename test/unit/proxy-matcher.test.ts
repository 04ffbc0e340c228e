import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// What the proxy leaves alone must check the session itself: test/integration/api-routes-anonymous.test.ts.
describe('proxy.ts matcher', () => {
  // Read as text: importing proxy.ts would start Auth.js. Next reads the matcher as a path regex;
  // this one has no named segments, so it is a plain regular expression anchored at both ends.
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'proxy.ts'), 'utf8');
  const matcher = new RegExp(`^${/matcher: \['([^']+)'\]/.exec(source)![1]}$`);

  it('sends pages through the login check, and leaves /api and the anonymous /imgapi alone', () => {
    expect(matcher.test('/images')).toBe(true);
    expect(matcher.test('/api/v1/images')).toBe(false);
    expect(matcher.test('/imgapi/images')).toBe(false);
    expect(matcher.test('/imgapi/images/6f1f7c52-5b6e-4d7e-9a51-0c4a3f3a9b01/file')).toBe(false);
  });
});
