import { parseArgs } from 'node:util';

/** A mistake in how the command was called: an unknown, missing or malformed option, found before anything is looked up (exit code 2). */
export class UsageError extends Error {}

/** A command that was called correctly but was refused: no such account, a password the rules refuse … (exit code 1). */
export class CommandFailure extends Error {}

export type Options = Record<string, string>;

/**
 * Reads `--name value` and `--name=value` pairs with Node's `util.parseArgs`. Every `required`
 * option must be given, the `optional` ones may be, each at most once; a `flag` is given alone
 * (`--failed`) and reads as "true"; anything else is a usage error. A password option is refused
 * outright: it would end up in the shell history and the process list.
 *
 * parseArgs runs non-strict and hands over its tokens, so that each mistake gets a message of
 * our own (and `--password` is refused before its value is looked at); strict mode would stop at
 * the first problem with Node's wording.
 */
export function parseOptions(args: readonly string[], required: readonly string[], optional: readonly string[] = [], flags: readonly string[] = []): Options {
  const known = new Set([...required, ...optional, ...flags]);
  const { tokens } = parseArgs({
    args: [...args],
    options: Object.fromEntries([...known].map((name) => [name, { type: flags.includes(name) ? ('boolean' as const) : ('string' as const) }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const options: Options = {};
  for (const token of tokens) {
    if (token.kind === 'positional') throw new UsageError(`Unexpected argument "${token.value}".`);
    if (token.kind === 'option-terminator') throw new UsageError('Unexpected argument "--".');
    if (token.name === 'password') {
      throw new UsageError('Passwords are never accepted on the command line. Leave out --password; the command reads the password from standard input.');
    }
    if (!known.has(token.name)) throw new UsageError(`Unknown option ${token.rawName}.`);
    if (Object.hasOwn(options, token.name)) throw new UsageError(`Option --${token.name} is given twice.`);
    if (flags.includes(token.name)) {
      if (token.value !== undefined) throw new UsageError(`Option --${token.name} takes no value.`);
      options[token.name] = 'true';
      continue;
    }
    // Without `=`, a next argument that looks like an option is taken as a forgotten value.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
      const dashed = token.value !== undefined && !token.value.startsWith('--');
      throw new UsageError(`Option --${token.name} needs a value.${dashed ? ` A value that starts with "-" is written --${token.name}=${token.value}.` : ''}`);
    }
    options[token.name] = token.value;
  }
  const missing = required.filter((name) => !Object.hasOwn(options, name));
  if (missing.length > 0) throw new UsageError(`Missing option ${missing.map((name) => `--${name}`).join(', ')}.`);
  return options;
}
