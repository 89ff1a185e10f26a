// An instruction's flags as the builder reads them: a value, every value of a repeatable flag, or a boolean as BuildKit parses one.
import type { Instruction } from './instructions.ts';

/** The last value given for the flag (a bare flag has none). */
export function flagValue(instruction: Instruction, name: string): string | undefined {
  return flagValues(instruction, name).at(-1);
}

/** Every value of a repeatable flag (`--mount`, `--exclude`), in order. */
export function flagValues(instruction: Instruction, name: string): string[] {
  return instruction.flags.filter((flag) => flag.name === name && flag.value !== undefined).map((flag) => flag.value!);
}

/** `--link`, `--link=true`: a bare flag is true, a value is read as Go's strconv.ParseBool reads it; absent is false. */
export function booleanFlag(instruction: Instruction, name: string): boolean {
  const flags = instruction.flags.filter((flag) => flag.name === name);
  if (flags.length === 0) return false;
  const value = flags.at(-1)!.value;
  return value === undefined || parseBool(value);
}

/** Go's strconv.ParseBool true spellings; any other text is false. */
export function parseBool(text: string): boolean {
  return /^(1|t|T|TRUE|true|True)$/.test(text);
}
