// The flags `stop` and `restart` share, Docker's: -t/--timeout (and the deprecated --time) and -s/--signal.
import type { FlagSpec, ParsedFlags } from '../flags.ts';

export const STOP_FLAGS: FlagSpec = { timeout: { type: 'string', short: 't' }, time: { type: 'string' }, signal: { type: 'string', short: 's' } };

/** stopContainer's options from parsed STOP_FLAGS. */
export function stopOptions(values: ParsedFlags['values']): { timeoutSeconds?: number; signal?: string } {
  const time = (values.timeout ?? values.time) as string | undefined;
  return { timeoutSeconds: time === undefined ? undefined : Number(time), signal: values.signal as string | undefined };
}
