// Runs one command in this process: its context, and the one place its errors become output and an exit code.
import { errorLine, WharfError } from '../errors.ts';
import { createContext, readerGone, stdioReaderGone, type CliContext } from './context.ts';
import { HelpRequest } from './help/help-request.ts';
import { UsageError } from './usage-error.ts';

export interface CommandModule {
  run(context: CliContext, args: string[], commandPath: string): Promise<number | void>;
  /** Nothing the command started is still in flight once run() resolves: the process may end at once (see main.ts). */
  readonly endsWhenDone?: boolean;
}

export interface CommandRequest {
  /** The path the user typed (`images`, `image ls`): usage lines name it. */
  path: string;
  args: string[];
  dataRoot?: string;
}

export async function runCli(command: CommandModule, request: CommandRequest): Promise<{ code: number; endsWhenDone: boolean }> {
  const context = createContext({ dataRoot: request.dataRoot });
  const endsWhenDone = command.endsWhenDone === true;
  try {
    return { code: (await command.run(context, request.args, request.path)) ?? 0, endsWhenDone };
  } catch (error) {
    if (error instanceof HelpRequest) {
      // loaded only here: the texts of every command are no part of a command's start-up
      const { renderHelp } = await import('./help/render-help.ts');
      context.out(renderHelp(error.commandPath, error.spec));
      return { code: 0, endsWhenDone };
    }
    // a stream the command wrote its output through (save, logs, cp -) failed on the closed pipe before its event did
    if (stdioReaderGone()) readerGone();
    context.err(`${error instanceof UsageError ? error.message : errorLine(error)}\n`);
    return { code: error instanceof WharfError ? error.exitCode : 1, endsWhenDone };
  }
}
