import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { relayAuthorizedKeyLine, relayKeyComment } from '@/lib/install/relay/authorized-key';
import { isAddress } from '@/lib/nodes/address';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM/jdgvR5KLTvVKtCpaMV1/HmAq/hl4/RKJFNE7e198+ anything';
const JOB = '0b7c3f3e-8a7e-4c1e-9f0e-3d2b1a0c9e8f';

/** What sshd makes of a `command="…"` value (auth-options.c, opt_dequote): `\"` is `"`, nothing else is unescaped. */
function dequote(line: string): string {
  const start = line.indexOf('command="') + 'command="'.length;
  let out = '';
  let i = start;
  while (i < line.length && line[i] !== '"') {
    if (line[i] === '\\' && line[i + 1] === '"') i++;
    out += line[i++];
  }
  expect(line[i]).toBe('"');
  return out;
}

const HOSTILE_NAMES = [
  'plain.raw',
  'quote".raw',
  "apostrophe'.raw",
  'back\\slash.raw',
  'back\\"slash-quote.raw',
  '$(touch canary).raw',
  '`touch canary`.raw',
  'a; touch canary.raw',
  '" ; touch canary ; ".raw',
  'space and *.raw',
  '-n.raw',
];

describe('the one-time relay key line', () => {
  it('reads exactly the quoted file from the offset, whatever its name, and runs nothing else', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-relay-unit-'));
    try {
      for (const name of HOSTILE_NAMES) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, `0123456789 ${name}`);
        const line = relayAuthorizedKeyLine({ publicKey: KEY, from: ['10.0.0.7'], file, jobId: JOB });
        expect(line.split('\n')).toHaveLength(1);
        expect(line).toMatch(/^restrict,from="10\.0\.0\.7",command=".*" ssh-ed25519 AAAA\S+ cbp-relay-0b7c3f3e-/);
        const command = dequote(line);
        const read = (offset: string | undefined) =>
          execFileSync('/bin/sh', ['-c', command], {
            cwd: dir,
            env: (offset === undefined ? {} : { SSH_ORIGINAL_COMMAND: offset }) as NodeJS.ProcessEnv,
            stdio: ['ignore', 'pipe', 'ignore'],
          }).toString('latin1');
        expect(read('0')).toBe(`0123456789 ${name}`);
        expect(read('4')).toBe(`456789 ${name}`);
        for (const refused of [undefined, '', 'abc', '-1', '010', '1 /etc/passwd', '0;id', '$(id)', '1'.repeat(19)]) {
          expect(() => read(refused)).toThrow();
        }
      }
      expect(fs.existsSync(path.join(dir, 'canary'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what would break out of the line or its options', () => {
    const line = (over: Partial<Parameters<typeof relayAuthorizedKeyLine>[0]>) => () =>
      relayAuthorizedKeyLine({ publicKey: KEY, from: ['10.0.0.7'], file: '/srv/a.raw', jobId: JOB, ...over });
    expect(line({ file: '/srv/a\nssh-ed25519 AAAA evil' })).toThrow();
    expect(line({ file: '/srv/a\r.raw' })).toThrow();
    expect(line({ file: 'relative.raw' })).toThrow();
    for (const from of [['*'], ['10.0.0.*'], ['!10.0.0.7'], ['10.0.0.7,*'], ['-oProxyCommand=x'], ['a b'], [], ['"']])
      expect(line({ from })).toThrow();
    expect(line({ publicKey: 'ssh-rsa AAAAB3NzaC1yc2E' })).toThrow();
    expect(line({ publicKey: 'ssh-ed25519 AAAA"evil' })).toThrow();
    expect(line({ jobId: 'x y' })).toThrow();
    expect(line({ from: ['10.0.0.7', 'node-2.dc.internal', 'fd00::7'] })()).toContain(
      'from="10.0.0.7,node-2.dc.internal,fd00::7"',
    );
    expect(relayKeyComment(JOB)).toBe(`cbp-relay-${JOB}`);
  });

  it('takes IP addresses and host names as data-center addresses, nothing else', () => {
    for (const ok of ['10.0.0.7', '127.0.0.205', 'fd00::7', '::1', '2001:db8::1:2', 'node1.dc.internal', 'n-1'])
      expect(isAddress(ok)).toBe(true);
    for (const bad of ['', '-n', 'a b', '*', '10.0.0.*', 'a,b', 'node_1', '256.0.0.1', 'a..b', 'x\n', '1:2:3', ':::'])
      expect(isAddress(bad)).toBe(false);
  });
});
