import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { quote, sh, ShellCommand } from '@/lib/ssh/shell';

const HOSTILE = [
  '$(touch canary)',
  '`touch canary`',
  'a; touch canary',
  "it's; touch canary",
  '"; touch canary; "',
  "''; touch canary; ''",
  'line\ntouch canary',
  'with spaces  and\ttabs',
  '../../etc/passwd',
  '-rf',
  '--output=/tmp/x',
  '$HOME ${IFS} $1 $@',
  '*',
  '\\',
  "'",
  '',
  'ünïcödé ✓',
  'a|b&c>d<e',
  '!event',
];

/** Runs a command with a real /bin/sh in a scratch directory; returns stdout and whether a canary appeared. */
function runInShell(command: ShellCommand): { stdout: string; canary: boolean } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbp-quote-'));
  try {
    const stdout = execFileSync('/bin/sh', ['-c', command.text], { cwd: dir, encoding: 'utf8' });
    return { stdout, canary: fs.existsSync(path.join(dir, 'canary')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the shell quoting helper', () => {
  it.each(HOSTILE)('passes %j through sh as exactly one argument, running nothing', (value) => {
    const { stdout, canary } = runInShell(sh`printf '%s\\0' ${value}`);
    expect(stdout).toBe(`${value}\0`);
    expect(canary).toBe(false);
  });

  it('passes a list as separate, individually quoted arguments', () => {
    const { stdout, canary } = runInShell(sh`printf '%s\\0' ${HOSTILE}`);
    expect(stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
    expect(canary).toBe(false);
  });

  it('nests commands built with sh without quoting them again', () => {
    const inner = sh`printf '%s' ${'$(x)'}`;
    expect(sh`${inner} && true`.text).toBe(`printf '%s' '$(x)' && true`);
  });

  it('refuses values the shell cannot carry faithfully', () => {
    expect(() => sh`echo ${'a\0b'}`).toThrow(/NUL/);
    expect(() => quote(1.5)).toThrow(/non-integer/);
    expect(() => quote(Number.NaN)).toThrow(/non-integer/);
    expect(quote(42)).toBe('42');
  });

  it('cannot be bypassed by constructing a command by hand', () => {
    expect(() => new ShellCommand('rm -rf /', Symbol('ShellCommand') as never)).toThrow(/sh`/);
  });
});

describe('sh refuses a template it cannot read faithfully', () => {
  it('throws on an escape that JavaScript leaves uncooked, instead of dropping program text', () => {
    const build = new Function('sh', "return sh`tr '\\\\000' x`; ") as (tag: typeof sh) => ShellCommand; // valid: an escaped backslash
    expect(build(sh).text).toBe("tr '\\000' x");
    const broken = new Function('sh', "return sh`tr '\\000' x`; ") as (tag: typeof sh) => unknown; // \0 followed by digits: uncooked
    expect(() => broken(sh)).toThrow(/invalid escape sequence/);
  });
});
