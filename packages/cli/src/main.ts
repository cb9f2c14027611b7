import { Command, CommanderError, Option } from 'commander';
import { EXIT_OK, EXIT_USAGE, oneLine, reportFailure, UsageError } from './errors.js';
import { COMMANDS, GROUPS, PROGRAM } from './generated/commands.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, MAX_RETRIES, REQUEST_TIMEOUT_MS } from './limits.js';
import type { CommandSpec, FlagSpec, ValueKind } from './table.js';

/**
 * Builds the commander program from the generated command table and runs it. Only commander, the
 * table and the error reporting run on every start; the SDK is loaded, and the output, chart and
 * completion code evaluated, by the command that needs them, so `--help` starts about as fast as
 * node itself (see scripts/build.mjs for the bundle).
 */

export const BIN = 'tensor-box';
export const SHELLS = ['bash', 'zsh', 'fish'];
const GLOBAL_FLAGS = ['domain', 'api-key', 'json', 'debug', 'max-retries', 'request-timeout-ms', 'header', 'version', 'help'];

/** Options every command sees (the program's, read with optsWithGlobals). */
export interface Globals {
  domain?: string;
  apiKey?: string;
  json?: boolean;
  debug?: boolean;
  maxRetries?: string;
  requestTimeoutMs?: string;
  header?: string[];
}

export async function main(argv: string[], version: string): Promise<number> {
  // `tensor-box sandbox list | head -1`: a reader that goes away is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
    throw err;
  });
  let exitCode = EXIT_OK;
  const program = buildProgram(version, async (spec, cmd) => {
    const { runCommand } = await import('./run.js');
    exitCode = await runCommand(spec, cmd.processedArgs, cmd.opts(), cmd.optsWithGlobals<Globals>());
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version were printed by commander; they are not failures.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
      // `tensor-box` or a group without a command: commander printed the help on stderr.
      if (err.code === 'commander.help') return EXIT_USAGE;
      return reportFailure(new UsageError(commanderMessage(err)), modeOf(argv));
    }
    return reportFailure(err, modeOf(argv));
  }
}

/** --json and --debug as typed, for errors found before commander could parse them. */
function modeOf(argv: string[]): { json: boolean; debug: boolean } {
  const end = argv.indexOf('--');
  const flags = end === -1 ? argv : argv.slice(0, end);
  return { json: flags.includes('--json'), debug: flags.includes('--debug') };
}

/** commander's messages, on one line and without its own "error: " prefix. */
function commanderMessage(err: CommanderError): string {
  return oneLine(err.message.replace(/^error: /, '').replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)'));
}

type Action = (spec: CommandSpec, cmd: Command) => Promise<void>;

export function buildProgram(version: string, action: Action): Command {
  const program = new Command(BIN)
    .description('The tensor-box command line: create, list and control cloud sandboxes from a terminal or a script.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--domain <url>', `API base URL (env ${PROGRAM.env.domain}; default ${PROGRAM.defaultDomain})`)
    .option('--api-key <key>', `API key (env ${PROGRAM.env.apiKey}, better: arguments show in ps)`)
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--debug', 'log each request on stderr (never the API key), and stack traces')
    .option('--max-retries <n>', `retries of a failed request that is safe to retry (${MAX_RETRIES.min}–${MAX_RETRIES.max}; default 2)`)
    .option('--request-timeout-ms <ms>', `the limit for one attempt of a request, in milliseconds (${REQUEST_TIMEOUT_MS.min}–${REQUEST_TIMEOUT_MS.max}; default ${DEFAULT_REQUEST_TIMEOUT_MS})`)
    .addOption(new Option('--header <name:value>', 'extra request header (repeatable)').argParser(collect).hideHelp())
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({ outputError: () => {} })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText('after', programHelp());
  program.addHelpCommand('help [command]', 'show help for a command');

  for (const group of GROUPS) {
    const cmd = program.command(group.name).aliases(group.aliases).description(group.description);
    cmd.addHelpText('after', groupHelp(group.name));
    for (const spec of COMMANDS.filter((c) => c.group === group.name)) addCommand(cmd, spec, action);
  }

  program
    .command('completion')
    .description(`print a shell completion script (${SHELLS.join(', ')})`)
    .argument('<shell>', `the shell: ${SHELLS.join(', ')}`)
    .addHelpText('after', completionHelp())
    .action(async (shell: string) => {
      if (!SHELLS.includes(shell)) throw new UsageError(`argument <shell> must be one of ${SHELLS.join(', ')} (got ${JSON.stringify(shell)})`, undefined, '<shell>');
      const { completionScript } = await import('./completion.js');
      process.stdout.write(completionScript(shell, program));
    });
  return program;
}

function addCommand(parent: Command, spec: CommandSpec, action: Action): void {
  const cmd = parent.command(spec.name).aliases(spec.aliases).summary(spec.summary).description(`${spec.summary}.\n\n${spec.description}`);
  for (const arg of spec.args) {
    const name = arg.variadic ? `${arg.name}...` : arg.name;
    cmd.argument(arg.required ? `<${name}>` : `[${name}]`, describe(arg.description, arg.value));
  }
  for (const flag of spec.flags) {
    if (GLOBAL_FLAGS.includes(flag.name)) throw new Error(`the spec's flag --${flag.name} of ${spec.group} ${spec.name} collides with a global flag`);
    for (const option of flagOptions(flag)) cmd.addOption(option);
  }
  if (spec.live) {
    cmd.option(`--${spec.live.flag}`, spec.live.description);
    cmd.option('--interval-ms <ms>', `how often --${spec.live.flag} polls, in milliseconds (default 2000)`);
  }
  if (spec.examples.length > 0) cmd.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  cmd.action(async (...params: unknown[]) => action(spec, params[params.length - 1] as Command));
}

function flagOptions(flag: FlagSpec): Option[] {
  const kind = flag.value.kind;
  if (kind === 'boolean') {
    // Both spellings, so a default of true can be turned off; the negation is not advertised.
    return [new Option(`--${flag.name}`, describe(flag.description, flag.value)), new Option(`--no-${flag.name}`).hideHelp()];
  }
  const option = new Option(`--${flag.name} <${placeholder(flag.name, flag.value)}>`, describe(flag.description, flag.value));
  // Values are collected raw; values.ts checks them so the message can name the flag and the rule.
  if (kind === 'list' || kind === 'keyValue') option.argParser(collect);
  return [option];
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function placeholder(name: string, value: ValueKind): string {
  switch (value.kind) {
    case 'enum':
      return value.values.join('|');
    case 'list':
      return placeholder(name, value.items);
    case 'keyValue':
      return 'KEY=VALUE';
    case 'integer':
      return value.unit ?? 'n';
    case 'date':
      return 'time';
    default:
      return 'value';
  }
}

/**
 * The first sentence of a description, and a sentence that gives a default: a flag's help is
 * one or two lines; the whole text is in the command's description and the spec.
 */
export function brief(description: string): string {
  const sentences = description.split(/(?<=\.)\s+(?=[A-Z])/);
  return [sentences[0] ?? '', ...sentences.slice(1).filter((s) => /^Default\b/.test(s))].join(' ');
}

/** The spec's description, plus what the command line accepts. */
function describe(description: string, value: ValueKind): string {
  const hints: string[] = [];
  if (value.kind === 'list' || value.kind === 'keyValue') hints.push('repeatable');
  if (value.kind === 'integer' && value.min !== undefined && value.max !== undefined) hints.push(`${value.min}–${value.max}`);
  if (value.kind === 'date') hints.push('an RFC 3339 date-time, or a time ago: 90s, 10m, 2h, 1d');
  const text = brief(description).replace(/\.$/, '');
  return hints.length ? `${text} (${hints.join('; ')})` : text;
}

function programHelp(): string {
  const first = COMMANDS.flatMap((c) => c.examples.slice(0, 1)).slice(0, 6);
  return [
    '',
    'Examples:',
    ...first.map((e) => `  $ ${e}`),
    '',
    'Environment:',
    `  ${PROGRAM.env.apiKey.padEnd(20)}the API key (instead of --api-key)`,
    `  ${PROGRAM.env.domain.padEnd(20)}the API base URL (instead of --domain)`,
    `  ${'NO_COLOR'.padEnd(20)}set to anything to turn colours off`,
    '',
    'Exit status: 0 success, 1 API or connection error, 2 usage error, 130 interrupted (Ctrl-C).',
    '',
  ].join('\n');
}

function groupHelp(group: string): string {
  const lines = COMMANDS.filter((c) => c.group === group).flatMap((c) => c.examples.slice(0, 1));
  return lines.length ? `\nExamples:\n${lines.map((e) => `  $ ${e}`).join('\n')}\n` : '';
}

function completionHelp(): string {
  return [
    '',
    'Examples:',
    `  $ source <(${BIN} completion bash)                 # in ~/.bashrc`,
    `  $ ${BIN} completion zsh > "\${fpath[1]}/_${BIN}"    # then restart zsh`,
    `  $ ${BIN} completion fish > ~/.config/fish/completions/${BIN}.fish`,
    '',
  ].join('\n');
}

