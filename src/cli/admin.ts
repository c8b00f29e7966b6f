import { openServices, startupProblem, type ServiceRuntime } from '../bootstrap';
import { ConfigError, loadConfig, loadDotEnvFile } from '../config';
import { createLogger } from '../infra/logger';
import { CommandFailure, parseOptions, UsageError } from './args';
import type { Command } from './command';
import { COMMANDS, findCommand } from './commands';
import { readNewPassword } from './read-password';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const HELP = ['help', '--help', '-h'];

function synopsisOf(command: Command): string {
  return [
    command.name,
    ...command.options.map((option) => `--${option} ${option.toUpperCase()}`),
    ...(command.optional ?? []).map((option) => `[--${option} ${option.toUpperCase()}]`),
    ...(command.flags ?? []).map((flag) => `[--${flag}]`),
  ].join(' ');
}

const PASSWORDS_NOTE = ['Passwords are never given on the command line: type them when asked,', 'or pipe them in as the first line of standard input.'];

function usage(): string {
  const synopses = COMMANDS.map(synopsisOf);
  const width = Math.max(...synopses.map((synopsis) => synopsis.length)) + 2;
  const lines = COMMANDS.map((command, i) => `  ${(synopses[i] ?? '').padEnd(width)}${command.summary}`);
  return [
    'Karify clinic administration',
    '',
    'Usage: npm run admin -- <command> [options]',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(width)}Show this text; "help <command>" or "<command> --help" shows one command.`,
    '',
    ...PASSWORDS_NOTE,
  ].join('\n');
}

/** One command's usage: `help <command>` or `<command> --help`. */
function commandUsage(command: Command): string {
  return [`Usage: npm run admin -- ${synopsisOf(command)}`, '', command.summary, ...(command.readsPassword ? ['', ...PASSWORDS_NOTE] : [])].join('\n');
}

async function run(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  if (name === undefined || HELP.includes(name)) {
    console.log(rest[0] === undefined ? usage() : commandUsage(findCommand(rest[0])));
    return;
  }
  const command = findCommand(name);
  if (rest.some((arg) => HELP.slice(1).includes(arg))) {
    console.log(commandUsage(command));
    return;
  }
  const options = parseOptions(rest, command.options, command.optional, command.flags);
  // After the usage checks, so help and a mistyped option are told without reading .env; an
  // unreadable .env is a ConfigError like a bad value in it.
  loadDotEnvFile();
  const config = loadConfig();
  let runtime: ServiceRuntime | undefined;
  // The same start-up as the server's, with its log on stderr so stdout is the command's output.
  const services = async () => (runtime ??= await openServices(config, { logger: createLogger(config.logLevel, process.stderr) })).services;
  try {
    await command.run(options, {
      services,
      timeZone: config.timeZone,
      siteOrigin: config.webauthn.origin,
      twoFactorRequired: config.twoFactor.required,
      staffOneTimePasswordDays: config.desk.oneTimePasswordDays,
      patientOneTimePasswordDays: config.patientOneTimePasswordDays,
      print: (text) => console.log(text),
      readNewPassword,
    });
  } finally {
    await runtime?.close();
  }
}

/** What follows a usage error: the command's synopsis when it is known, else where to find the commands. */
function usageHint(name: string | undefined): string {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) return 'Run "npm run admin -- help" to see the commands and their options.';
  return `Usage: npm run admin -- ${synopsisOf(command)}\nRun "npm run admin -- help ${command.name}" for more.`;
}

/**
 * Exit codes (README, "Admin commands"): 0 done, also when there was nothing to do (the account
 * was already as asked: the command says "nothing changed"); 1 refused, with the reason (no such
 * account, a password the rules refuse, the configuration or .env); 2 wrong usage (an unknown
 * command or option, an option missing or its value malformed), found before anything is looked up.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  try {
    await run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n${usageHint(args[0])}`);
      process.exitCode = EXIT_USAGE;
    } else if (err instanceof CommandFailure || err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = EXIT_FAILURE;
    } else if (startupProblem(err)) {
      console.error(startupProblem(err)); // Redis or the database could not be reached or opened
      process.exitCode = EXIT_FAILURE;
    } else {
      console.error(`Unexpected error: ${err instanceof Error ? err.stack : String(err)}`);
      process.exitCode = EXIT_FAILURE;
    }
  }
}

void main();
