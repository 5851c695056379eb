// What the two commands share: reading the command line, and turning what
// went wrong into a message on stderr and an exit status a script can test.
import { parseArgs, ParseArgsConfig } from "node:util";
import { ArgumentError } from "../util/errors";

/** Exit statuses, the same for mcastsend and mcastrecv. */
export const EXIT = {
  ok: 0,
  /** Too few or too many arguments, an unknown flag: the usage line is printed. */
  usage: 1,
  /** An argument with a bad value (group not multicast, port out of range...). */
  badArgument: 2,
  /** mcastrecv: the timeout came before the datagrams did. */
  timedOut: 3,
  /** The system refused (bind, join or send failed); the message says why. */
  system: 4,
  /** Stopped with Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** Wrong number of arguments or an unknown flag. */
export class UsageError extends Error {}

export interface Command {
  name: string;
  /** The one-line usage, in the lecture's shape: "Usage: mcastsend host_ip ...". */
  usage: string;
  /** The full --help text (after the usage line). */
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** How many positional arguments the command takes. */
  positionals: number;
  run(positionals: string[], flags: Record<string, unknown>): Promise<number>;
}

/** Runs a command with process.argv and sets process.exitCode (without process.exit, so output is flushed). */
export async function main(command: Command, argv = process.argv.slice(2)): Promise<void> {
  process.exitCode = await run(command, argv);
}

async function run(command: Command, argv: string[]): Promise<number> {
  const say = (text: string) => process.stderr.write(`${command.name}: ${text}\n`);
  try {
    const { values, positionals } = readCommandLine(command, argv);
    if (values.help) {
      process.stdout.write(`${command.usage}\n\n${command.help}\n`);
      return EXIT.ok;
    }
    if (positionals.length < command.positionals) throw new UsageError("");
    if (positionals.length > command.positionals) {
      throw new UsageError(`too many arguments (${positionals.length}, it takes ${command.positionals}): put the message in quotes if it has spaces`);
    }
    return await command.run(positionals, values);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) say(error.message);
      process.stderr.write(`${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof ArgumentError) {
      say(error.message);
      return EXIT.badArgument;
    }
    say(error instanceof Error ? error.message : String(error));
    return EXIT.system;
  }
}

function readCommandLine(command: Command, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    // For "--tll" list the flags that exist; for "-5" keep parseArgs' own
    // words, which say how to pass a message that starts with "-".
    const flag = /^Unknown option '(--[^']+)'/.exec(text)?.[1];
    if (flag) {
      const known = Object.keys(command.options).map((name) => `--${name}`).join(", ");
      throw new UsageError(`unknown option ${flag}; the options are ${known}`);
    }
    throw new UsageError(text);
  }
}

/**
 * A command-line number: plain decimal digits become a number; anything else
 * is passed on as the text, so the check that refuses it quotes what was typed.
 */
export function numberArgument(text: unknown): unknown {
  return typeof text === "string" && /^[0-9]{1,15}$/.test(text) ? Number(text) : text;
}
