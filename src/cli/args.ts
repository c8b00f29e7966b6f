/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {}

/** A command that was called correctly but could not do its work (exit code 1). */
export class CommandFailure extends Error {}

export type Options = Record<string, string>;

/**
 * Reads `--name value` and `--name=value` pairs. Every `required` option must be given, the
 * `optional` ones may be; anything else is a usage error. A password option is refused outright:
 * it would end up in the shell history and the process list.
 */
export function parseOptions(args: readonly string[], required: readonly string[], optional: readonly string[] = []): Options {
  const options: Options = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match?.[1]) throw new UsageError(`Unexpected argument "${arg}".`);
    const name = match[1];
    if (name === 'password') {
      throw new UsageError('Passwords are never accepted on the command line. Leave out --password; the command reads the password from standard input.');
    }
    if (!required.includes(name) && !optional.includes(name)) throw new UsageError(`Unknown option --${name}.`);
    if (name in options) throw new UsageError(`Option --${name} is given twice.`);
    const value = match[2] ?? args[i + 1];
    if (match[2] === undefined) i += 1;
    if (value === undefined || value.startsWith('--')) throw new UsageError(`Option --${name} needs a value.`);
    options[name] = value;
  }
  const missing = required.filter((name) => !(name in options));
  if (missing.length > 0) throw new UsageError(`Missing option ${missing.map((name) => `--${name}`).join(', ')}.`);
  return options;
}
