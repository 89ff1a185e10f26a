// The parsed Dockerfile: one typed record per instruction, its words raw (quotes, escapes and $VARs kept) until the builder expands them.

/** Where an instruction sits in the Dockerfile (1-based lines; a continued instruction spans several). */
export interface Location {
  line: number;
  endLine: number;
}

/** `--name=value` (or a bare `--name`) written before an instruction's arguments, raw. */
export interface InstructionFlag {
  name: string;
  value: string | undefined;
}

/** A command as written: shell form (run by the SHELL) or exec form (a JSON array, never expanded). */
export type Command = { form: 'shell'; text: string } | { form: 'exec'; args: string[] };

/** `<<EOF` … `EOF`: the body a RUN runs or a COPY/ADD writes. */
export interface Heredoc {
  name: string;
  body: string;
  /** `<<-EOF` strips leading tabs; a quoted name (`<<"EOF"`) leaves `$VAR` unexpanded. */
  chomp: boolean;
  expand: boolean;
}

/** A `key=value` (or legacy `key value`) pair of ENV and LABEL, both sides raw. */
export interface KeyValue {
  key: string;
  value: string;
}

interface Common extends Location {
  /** The instruction as written, continuation lines joined, for progress output and errors. */
  original: string;
  flags: InstructionFlag[];
}

export type Instruction = Common &
  (
    | { kind: 'FROM'; image: string; stageName?: string }
    | { kind: 'RUN'; command: Command; heredocs: Heredoc[] }
    | { kind: 'CMD'; command: Command }
    | { kind: 'ENTRYPOINT'; command: Command }
    | { kind: 'LABEL'; pairs: KeyValue[] }
    | { kind: 'MAINTAINER'; name: string }
    | { kind: 'EXPOSE'; ports: string[] }
    | { kind: 'ENV'; pairs: KeyValue[] }
    | { kind: 'ADD' | 'COPY'; sources: string[]; destination: string; heredocs: Heredoc[] }
    | { kind: 'VOLUME'; paths: string[] }
    | { kind: 'USER'; user: string }
    | { kind: 'WORKDIR'; path: string }
    | { kind: 'ARG'; args: { name: string; defaultValue?: string }[] }
    | { kind: 'ONBUILD'; trigger: string }
    | { kind: 'STOPSIGNAL'; signal: string }
    | { kind: 'HEALTHCHECK'; test: Command | 'NONE' }
    | { kind: 'SHELL'; shell: string[] }
  );

export type InstructionKind = Instruction['kind'];

/** A whole Dockerfile: its parser directives and instructions, ARGs before the first FROM included. */
export interface Dockerfile {
  /** `# escape=`: `\` by default, or a backtick. */
  escape: '\\' | '`';
  /** `# syntax=`, recorded only: wharf has one frontend. */
  syntax?: string;
  instructions: Instruction[];
}
