/**
 * The `shiming` command line: parse arguments, dispatch to a command, map errors to exit codes
 * (0 ok, 1 findings / verification failure where asked, 2 usage or input error).
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.ts';
import { auditCommand } from './audit-command.ts';
import { authorityCommand } from './authority-command.ts';
import { enforceCommand } from './enforce-command.ts';
import { keysCommand } from './keys-command.ts';
import { type CliIo, scanCommand } from './scan-command.ts';
import { serveCommand } from './serve-command.ts';

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('shiming')
    .description(
      'Shiming (实名): run real-name registration without becoming a target — find, hold and watch personal information',
    )
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();
  program.addCommand(scanCommand(io, setExit));
  program.addCommand(auditCommand(io, setExit));
  program.addCommand(serveCommand(io));
  program.addCommand(keysCommand(io, setExit));
  program.addCommand(authorityCommand(io, setExit));
  program.addCommand(enforceCommand(io));
  // Sub-commands inherit output and exit handling.
  const inherit = (parent: Command) => {
    for (const cmd of parent.commands) {
      cmd.configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
      cmd.exitOverride();
      cmd.showHelpAfterError('(run with --help for usage)');
      inherit(cmd);
    }
  };
  inherit(program);
  return program;
}

/** Run the CLI with `argv` (as `process.argv`); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = process): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  if (argv.length <= 2) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr.write(`shiming: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}
