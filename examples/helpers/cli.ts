/**
 * The examples' command lines, as Python's argparse gives gstreamer-python's examples:
 * `-h`/`--help` prints the usage and exits 0; an unknown option, a missing value or a stray
 * argument prints the error and the usage on stderr and exits 2, without a stack trace.
 * Built on node:util parseArgs. Not an example itself (examples/*.ts are).
 */
import { parseArgs } from 'node:util';
import * as path from 'node:path';

/** One option: parseArgs' config plus the line of help argparse would print. */
export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  help: string;
}

type Values<O extends Record<string, CliOption>> = {
  [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean : O[K]['default'] extends string ? string : string | undefined;
};

/** The usage text of a program with these options. */
export function usage(program: string, description: string, options: Record<string, CliOption>): string {
  const flag = (name: string, option: CliOption): string =>
    `${option.short ? `-${option.short}, ` : '    '}--${name}${option.type === 'string' ? ` ${name.toUpperCase()}` : ''}`;
  const short = Object.entries(options)
    .map(
      ([name, option]) => `[${option.short ? `-${option.short}` : `--${name}`}${option.type === 'string' ? ` ${name.toUpperCase()}` : ''}]`,
    )
    .join(' ');
  const lines = [
    `usage: ${program} [-h] ${short}`.trimEnd(),
    '',
    description,
    '',
    'options:',
    `${'  -h, --help'.padEnd(32)} show this help message and exit`,
  ];
  for (const [name, option] of Object.entries(options)) {
    const left = `  ${flag(name, option)}`;
    const shown = option.default !== undefined && option.type === 'string' ? ` (default: ${option.default})` : '';
    lines.push(`${left.padEnd(32)} ${option.help}${shown}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Parses `process.argv` for the example `file` (pass `process.argv[1]`, the script being run). Exits 0 after printing the
 * usage for `--help`, exits 2 with the usage on a bad command line; returns the values otherwise.
 */
export function commandLine<const O extends Record<string, CliOption>>(file: string, description: string, options: O): Values<O> {
  const program = `node scripts/run.js examples/${path.basename(file)}`;
  const text = usage(program, description, options);
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(options))
    config[name] = option.short ? { type: option.type, short: option.short } : { type: option.type };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: process.argv.slice(2), options: config, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (error) {
    process.stderr.write(`${text}${program}: error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(text);
    process.exit(0);
  }
  const result: Record<string, string | boolean | undefined> = {};
  for (const [name, option] of Object.entries(options))
    result[name] = values[name] ?? option.default ?? (option.type === 'boolean' ? false : undefined);
  return result as Values<O>;
}

/** A whole number from an option, or exit 2 with argparse's kind of message. */
export function intOption(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`error: argument --${name}: invalid int value: '${value}'\n`);
    process.exit(2);
  }
  return n;
}
