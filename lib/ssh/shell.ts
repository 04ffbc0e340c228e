/**
 * The one way remote commands are built: never a shell string put together by concatenation.
 *
 *   sh`sha256sum -- ${path}`
 *
 * The template's literal parts are trusted program text written here in the code; every interpolated
 * value is quoted as a single POSIX shell word, whatever it contains. A `ShellCommand` can only be
 * made by `sh`, and the SSH layer only runs `ShellCommand`s, so an unquoted value cannot reach a node.
 *
 * sshd runs every command through the SSH user's login shell, so that shell must be POSIX (sh,
 * dash, bash, ksh, zsh); csh and fish quote differently.
 */
export class ShellCommand {
  /** Private by convention: build with `sh`. */
  constructor(
    readonly text: string,
    brand: typeof BRAND,
  ) {
    if (brand !== BRAND) throw new Error('Build shell commands with sh`…`');
  }
  toString(): string {
    return this.text;
  }
}

const BRAND: unique symbol = Symbol('ShellCommand');

export type ShellValue = string | number | ShellCommand | readonly (string | number)[];

/** Quotes one value as a single shell word: `'…'`, with each `'` written as `'\''`. */
export function quote(value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`Refusing to put a non-integer number in a command: ${value}`);
    return String(value);
  }
  // A NUL byte cannot be passed through exec; it would silently truncate the argument.
  if (value.includes('\0')) throw new Error('Refusing to put a NUL byte in a command');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): ShellCommand {
  // An escape JavaScript cannot cook (such as `\0`) leaves a hole; losing program text silently is worse.
  if (strings.some((s) => s === undefined))
    throw new Error('sh`…` template has an invalid escape sequence; write \\ for a backslash');
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += render(value) + (strings[i + 1] ?? '');
  });
  return new ShellCommand(text, BRAND);
}

function render(value: ShellValue): string {
  if (value instanceof ShellCommand) return value.text;
  if (Array.isArray(value)) return value.map((v) => quote(v)).join(' ');
  return quote(value as string | number);
}
