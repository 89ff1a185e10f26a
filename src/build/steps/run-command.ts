// RUN's command line and its cache key, light enough to load for a build whose every step is cached.
import type { Instruction } from '../dockerfile/instructions.ts';
import { type StageState, runArgs } from '../stage-state.ts';
import { commandArgs } from './config-steps.ts';

export type RunInstruction = Extract<Instruction, { kind: 'RUN' }>;

/** container_config.Cmd of the step: build args in use go first (`|1 VERSION=2 /bin/sh -c …`), so a changed value misses the cache. */
export function runCommand(state: StageState, instruction: RunInstruction, mountKeys: string[]): string[] {
  const args = runArgs(state);
  const argv = [...mountKeys, ...runArgv(state, instruction)];
  return args.length ? [`|${args.length}`, ...args, ...argv] : argv;
}

/** `RUN cmd <<EOF`: the heredocs go back under the command line, so the shell feeds them as it would in a script. */
export function runArgv(state: StageState, instruction: RunInstruction): string[] {
  const { command, heredocs } = instruction;
  const wholeBody = heredocs.length === 1 && command.form === 'shell' && command.text === heredocs[0].body;
  if (!heredocs.length || wholeBody || command.form === 'exec') return commandArgs(state, command);
  return commandArgs(state, { form: 'shell', text: `${command.text}\n${heredocs.map((heredoc) => `${heredoc.body}${heredoc.name}\n`).join('')}` });
}
