// Table tests for the Dockerfile parser: logical lines, each instruction's arguments and flags, heredocs, and BuildKit's errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Instruction } from '../../../src/build/dockerfile/instructions.ts';
import { DockerfileParseError, parseDockerfile } from '../../../src/build/dockerfile/parse.ts';
import { InvalidArgumentError } from '../../../src/errors.ts';

/** An instruction without where it sits and how it was written: what its own rules produced. */
function specific(instruction: Instruction): Record<string, unknown> {
  const { line: _line, endLine: _endLine, original: _original, ...rest } = instruction;
  return rest;
}

function only(text: string): Instruction {
  const { instructions } = parseDockerfile(text);
  assert.equal(instructions.length, 1);
  return instructions[0];
}

describe('parseDockerfile: one instruction each', () => {
  const shell = (text: string) => ({ form: 'shell', text });
  const exec = (...args: string[]) => ({ form: 'exec', args });
  // [line, the instruction's kind-specific fields and flags]
  const rows: Array<[string, Record<string, unknown>]> = [
    ['FROM alpine', { flags: [], kind: 'FROM', image: 'alpine' }],
    ['from alpine:3.20 as Builder', { flags: [], kind: 'FROM', image: 'alpine:3.20', stageName: 'builder' }],
    ['FROM --platform=$BUILDPLATFORM golang AS build-env_1.x', { flags: [{ name: 'platform', value: '$BUILDPLATFORM' }], kind: 'FROM', image: 'golang', stageName: 'build-env_1.x' }],
    ['RUN echo "hi  there" && exit 0', { flags: [], kind: 'RUN', command: shell('echo "hi  there" && exit 0'), heredocs: [] }],
    ['RUN ["echo", "hi"]', { flags: [], kind: 'RUN', command: exec('echo', 'hi'), heredocs: [] }],
    ['RUN   [ "echo" ,"a b" ]  ', { flags: [], kind: 'RUN', command: exec('echo', 'a b'), heredocs: [] }],
    // Not valid JSON: Docker runs it through the shell as written.
    ['RUN [echo, hi]', { flags: [], kind: 'RUN', command: shell('[echo, hi]'), heredocs: [] }],
    ['CMD ["sh", "-c", "echo $HOME"]', { flags: [], kind: 'CMD', command: exec('sh', '-c', 'echo $HOME') }],
    ["CMD ['sh']", { flags: [], kind: 'CMD', command: shell("['sh']") }],
    ['CMD echo $HOME', { flags: [], kind: 'CMD', command: shell('echo $HOME') }],
    ['ENTRYPOINT []', { flags: [], kind: 'ENTRYPOINT', command: exec() }],
    ['ENTRYPOINT exec /app --serve', { flags: [], kind: 'ENTRYPOINT', command: shell('exec /app --serve') }],
    ['LABEL a=b "c d"="e f" x=', { flags: [], kind: 'LABEL', pairs: [{ key: 'a', value: 'b' }, { key: '"c d"', value: '"e f"' }, { key: 'x', value: '' }] }],
    ['LABEL description some long text', { flags: [], kind: 'LABEL', pairs: [{ key: 'description', value: 'some long text' }] }],
    ['ENV PATH=/opt/bin:$PATH', { flags: [], kind: 'ENV', pairs: [{ key: 'PATH', value: '/opt/bin:$PATH' }] }],
    ["ENV A='x y' B=z\\ w C=\"\"", { flags: [], kind: 'ENV', pairs: [{ key: 'A', value: "'x y'" }, { key: 'B', value: 'z\\ w' }, { key: 'C', value: '""' }] }],
    // The legacy form: one pair, the value is the rest of the line as written.
    ['ENV GREETING   "hello"  world  ', { flags: [], kind: 'ENV', pairs: [{ key: 'GREETING', value: '"hello"  world' }] }],
    ['MAINTAINER Jane Doe <jane@example.com>', { flags: [], kind: 'MAINTAINER', name: 'Jane Doe <jane@example.com>' }],
    // sorted as written, before expansion, as BuildKit's parser (and so moby's history) has them
    ['EXPOSE 80/tcp \t 443 ${PORT}', { flags: [], kind: 'EXPOSE', ports: ['${PORT}', '443', '80/tcp'] }],
    ['VOLUME /data /logs', { flags: [], kind: 'VOLUME', paths: ['/data', '/logs'] }],
    ['VOLUME ["/data", " /logs "]', { flags: [], kind: 'VOLUME', paths: ['/data', '/logs'] }],
    ['USER app:staff', { flags: [], kind: 'USER', user: 'app:staff' }],
    ['WORKDIR /srv/my app', { flags: [], kind: 'WORKDIR', path: '/srv/my app' }],
    ['ARG VERSION BUILD=1 NAME="my app" EMPTY=', { flags: [], kind: 'ARG', args: [{ name: 'VERSION' }, { name: 'BUILD', defaultValue: '1' }, { name: 'NAME', defaultValue: '"my app"' }, { name: 'EMPTY', defaultValue: '' }] }],
    ['ONBUILD RUN make install', { flags: [], kind: 'ONBUILD', trigger: 'RUN make install' }],
    ['onbuild  copy . /src', { flags: [], kind: 'ONBUILD', trigger: 'copy . /src' }],
    ['STOPSIGNAL SIGQUIT', { flags: [], kind: 'STOPSIGNAL', signal: 'SIGQUIT' }],
    ['HEALTHCHECK NONE', { flags: [], kind: 'HEALTHCHECK', test: 'NONE' }],
    ['HEALTHCHECK cmd curl -f http://localhost/ || exit 1', { flags: [], kind: 'HEALTHCHECK', test: shell('curl -f http://localhost/ || exit 1') }],
    ['HEALTHCHECK CMD ["/bin/check", "--quick"]', { flags: [], kind: 'HEALTHCHECK', test: exec('/bin/check', '--quick') }],
    ['SHELL ["powershell", "-command"]', { flags: [], kind: 'SHELL', shell: ['powershell', '-command'] }],
    ['COPY a b /dst/', { flags: [], kind: 'COPY', sources: ['a', 'b'], destination: '/dst/', heredocs: [] }],
    ['COPY ["a b", "/c d/"]', { flags: [], kind: 'COPY', sources: ['a b'], destination: '/c d/', heredocs: [] }],
    ['add https://example.com/x.tgz /opt/', { flags: [], kind: 'ADD', sources: ['https://example.com/x.tgz'], destination: '/opt/', heredocs: [] }],
  ];
  for (const [text, expected] of rows) {
    it(text, () => assert.deepEqual(specific(only(text)), expected));
  }
});

describe('parseDockerfile: flags', () => {
  // [line, flags]
  const rows: Array<[string, Array<{ name: string; value: string | undefined }>]> = [
    ['COPY --from=build --chown=app:app --chmod=644 a /b', [{ name: 'from', value: 'build' }, { name: 'chown', value: 'app:app' }, { name: 'chmod', value: '644' }]],
    ['COPY --link --parents=false a /b', [{ name: 'link', value: undefined }, { name: 'parents', value: 'false' }]],
    ['COPY --exclude=*.md --exclude=*.txt . /app', [{ name: 'exclude', value: '*.md' }, { name: 'exclude', value: '*.txt' }]],
    // Docker removes quotes and escapes from flags as it cuts them off.
    ['COPY --chown="app user" a /b', [{ name: 'chown', value: 'app user' }]],
    ['COPY --chown=a\\ b a /b', [{ name: 'chown', value: 'a b' }]],
    ['ADD --checksum=sha256:abc --keep-git-dir=TRUE --link git@host:repo /src', [{ name: 'checksum', value: 'sha256:abc' }, { name: 'keep-git-dir', value: 'TRUE' }, { name: 'link', value: undefined }]],
    ['RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=npm --network=none --security=insecure make', [
      { name: 'mount', value: 'type=cache,target=/root/.cache' },
      { name: 'mount', value: 'type=secret,id=npm' },
      { name: 'network', value: 'none' },
      { name: 'security', value: 'insecure' },
    ]],
    ['HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --start-interval=1s --retries=3 CMD true', [
      { name: 'interval', value: '30s' },
      { name: 'timeout', value: '3s' },
      { name: 'start-period', value: '5s' },
      { name: 'start-interval', value: '1s' },
      { name: 'retries', value: '3' },
    ]],
  ];
  for (const [text, flags] of rows) {
    it(text, () => assert.deepEqual(only(text).flags, flags));
  }

  it('stops at the first word that is not a flag, and at a bare --', () => {
    assert.deepEqual(specific(only('RUN --network=host echo --mount=x')), { flags: [{ name: 'network', value: 'host' }], kind: 'RUN', command: { form: 'shell', text: 'echo --mount=x' }, heredocs: [] });
    assert.deepEqual(specific(only('RUN -- --version')), { flags: [], kind: 'RUN', command: { form: 'shell', text: '--version' }, heredocs: [] });
  });
});

describe('parseDockerfile: lines, comments and continuations', () => {
  it('joins continuation lines as written, skipping comments and blank lines between them', () => {
    const { instructions } = parseDockerfile('FROM alpine\nRUN apk add \\\n  # the client\n\n    curl \\  \n  jq\nCMD ["sh"]\n');
    assert.deepEqual(instructions.map((i) => [i.kind, i.line, i.endLine, i.original]), [
      ['FROM', 1, 1, 'FROM alpine'],
      ['RUN', 2, 6, 'RUN apk add     curl   jq'],
      ['CMD', 7, 7, 'CMD ["sh"]'],
    ]);
  });

  it('keeps an escaped escape character at the end of a line', () => {
    const { instructions } = parseDockerfile('RUN echo \\\\\nRUN true');
    assert.deepEqual(instructions.map((i) => i.original), ['RUN echo \\\\', 'RUN true']);
  });

  it('reads CRLF input, a byte-order mark and indented instructions', () => {
    const { instructions } = parseDockerfile('\uFEFFFROM a\r\n  # note\r\n   RUN x \\\r\n  y\r\n');
    assert.deepEqual(instructions.map((i) => [i.original, i.line, i.endLine]), [['FROM a', 1, 1], ['RUN x   y', 3, 4]]);
  });

  it('takes # as a comment only at the start of a line', () => {
    assert.deepEqual(specific(only('# comment\nRUN echo # not a comment')).command, { form: 'shell', text: 'echo # not a comment' });
  });

  it('ends the file in the middle of a continuation with the instruction', () => {
    assert.deepEqual(specific(only('RUN a \\')).command, { form: 'shell', text: 'a' });
  });
});

describe('parseDockerfile: parser directives', () => {
  // [text, escape, syntax]
  const rows: Array<[string, '\\' | '`', string | undefined]> = [
    ['FROM a', '\\', undefined],
    ['# syntax=docker/dockerfile:1.7\n# escape=`\nFROM a', '`', 'docker/dockerfile:1.7'],
    ['#ESCAPE = `\nFROM a', '`', undefined],
    ['# check=skip=all\n# escape=`\nFROM a', '`', undefined],
    // Directives count only before the first comment, blank line or instruction.
    ['# a comment\n# escape=`\nFROM a', '\\', undefined],
    ['\n# escape=`\nFROM a', '\\', undefined],
    ['FROM a\n# syntax=x', '\\', undefined],
  ];
  for (const [text, escape, syntax] of rows) {
    it(JSON.stringify(text), () => {
      const dockerfile = parseDockerfile(text);
      assert.equal(dockerfile.escape, escape);
      assert.equal(dockerfile.syntax, syntax);
      assert.equal('syntax' in dockerfile, syntax !== undefined);
    });
  }

  it('uses a backtick escape for continuations and words, leaving backslashes literal', () => {
    const { instructions } = parseDockerfile('# escape=`\nFROM windows\nRUN dir c:\\ `\n  /s\nENV A=c:\\x` y B=2\nCOPY a c:\\dest\\');
    assert.deepEqual(instructions.slice(1).map(specific), [
      { flags: [], kind: 'RUN', command: { form: 'shell', text: 'dir c:\\   /s' }, heredocs: [] },
      { flags: [], kind: 'ENV', pairs: [{ key: 'A', value: 'c:\\x` y' }, { key: 'B', value: '2' }] },
      { flags: [], kind: 'COPY', sources: ['a'], destination: 'c:\\dest\\', heredocs: [] },
    ]);
  });
});

describe('parseDockerfile: heredocs', () => {
  const heredoc = (name: string, body: string, chomp = false, expand = true) => ({ name, body, chomp, expand });
  // [text, the last instruction's kind-specific fields, its endLine]
  const rows: Array<[string, Record<string, unknown>, number]> = [
    ['RUN <<EOF\necho a\n\n# kept\necho b\nEOF', { flags: [], kind: 'RUN', command: { form: 'shell', text: 'echo a\n\n# kept\necho b\n' }, heredocs: [heredoc('EOF', 'echo a\n\n# kept\necho b\n')] }, 6],
    // Only tabs are stripped, so a terminator indented with spaces is body.
    ['RUN <<-EOT\n\techo a\n  EOT\n\t\tEOT', { flags: [], kind: 'RUN', command: { form: 'shell', text: 'echo a\n  EOT\n' }, heredocs: [heredoc('EOT', 'echo a\n  EOT\n', true)] }, 4],
    ['RUN <<"EOF"\necho $HOME\n  EOF\nEOF', { flags: [], kind: 'RUN', command: { form: 'shell', text: 'echo $HOME\n  EOF\n' }, heredocs: [heredoc('EOF', 'echo $HOME\n  EOF\n', false, false)] }, 4],
    ["RUN --network=none <<'X'\ntrue\nX", { flags: [{ name: 'network', value: 'none' }], kind: 'RUN', command: { form: 'shell', text: 'true\n' }, heredocs: [heredoc('X', 'true\n', false, false)] }, 3],
    ['RUN python3 <<EOF\nprint(1)\nEOF', { flags: [], kind: 'RUN', command: { form: 'shell', text: 'python3 <<EOF' }, heredocs: [heredoc('EOF', 'print(1)\n')] }, 3],
    ['RUN cat <<A > a && cat <<-B > b\na\nA\n\tb\n\tB', { flags: [], kind: 'RUN', command: { form: 'shell', text: 'cat <<A > a && cat <<-B > b' }, heredocs: [heredoc('A', 'a\n'), heredoc('B', 'b\n', true)] }, 5],
    ['COPY <<EOF /etc/motd\nhello $USER\nEOF', { flags: [], kind: 'COPY', sources: [], destination: '/etc/motd', heredocs: [heredoc('EOF', 'hello $USER\n')] }, 3],
    ['COPY --chmod=755 <<a.sh <<b.txt /dir/\necho a\na.sh\nb\nb.txt', { flags: [{ name: 'chmod', value: '755' }], kind: 'COPY', sources: [], destination: '/dir/', heredocs: [heredoc('a.sh', 'echo a\n'), heredoc('b.txt', 'b\n')] }, 5],
    ['ADD file <<EOF /dir/\nx\nEOF', { flags: [], kind: 'ADD', sources: ['file'], destination: '/dir/', heredocs: [heredoc('EOF', 'x\n')] }, 3],
    ['RUN \\\n  <<EOF\nls\nEOF', { flags: [], kind: 'RUN', command: { form: 'shell', text: 'ls\n' }, heredocs: [heredoc('EOF', 'ls\n')] }, 4],
    ['RUN <<EOF\r\necho crlf\r\nEOF\r\n', { flags: [], kind: 'RUN', command: { form: 'shell', text: 'echo crlf\n' }, heredocs: [heredoc('EOF', 'echo crlf\n')] }, 3],
    ['ONBUILD RUN <<EOF\nmake\nEOF', { flags: [], kind: 'ONBUILD', trigger: 'RUN <<EOF\nmake\nEOF' }, 3],
  ];
  for (const [text, expected, endLine] of rows) {
    it(JSON.stringify(text), () => {
      const last = parseDockerfile(text).instructions.at(-1)!;
      assert.deepEqual(specific(last), expected);
      assert.equal(last.endLine, endLine);
    });
  }

  it('counts the body lines before the next instruction', () => {
    const { instructions } = parseDockerfile('FROM a\nRUN <<EOF\nx\nEOF\nRUN y');
    assert.deepEqual(instructions.map((i) => [i.line, i.endLine]), [[1, 1], [2, 4], [5, 5]]);
  });

  // In these the `<<` starts no heredoc, so the next line is an instruction again.
  const notHeredocs = ['RUN ["cat", "<<EOF"]', 'RUN echo "<<EOF"', 'RUN cat <<<here', 'ENV A=<<EOF', 'CMD cat <<EOF', 'RUN echo << '];
  for (const text of notHeredocs) {
    it(`${text}: not a heredoc`, () => {
      const { instructions } = parseDockerfile(`${text}\nRUN next`);
      assert.deepEqual(instructions.map((i) => i.original), [text.trim(), 'RUN next']);
    });
  }
});

describe('parseDockerfile: errors', () => {
  // [text, message]
  const rows: Array<[string, string]> = [
    ['FROM a\n\n# c\nRUN x\n\nENV A=1\nRUNN x', 'Dockerfile:7: unknown instruction: RUNN'],
    ['FROM a\nrunn x', 'Dockerfile:2: unknown instruction: runn'],
    ['FROM', 'Dockerfile:1: FROM requires at least one argument'],
    ['FROM a b', 'Dockerfile:1: FROM requires either one or three arguments'],
    ['FROM a AS 1st', 'Dockerfile:1: invalid name for build stage: "1st", name can\'t start with a number or contain symbols'],
    ['FROM a AS my/stage', 'Dockerfile:1: invalid name for build stage: "my/stage", name can\'t start with a number or contain symbols'],
    ['RUN', 'Dockerfile:1: RUN requires at least one argument'],
    ['RUN ["a", 1]', 'Dockerfile:1: when using JSON array syntax, arrays must be comprised of strings only'],
    ['COPY a', 'Dockerfile:1: COPY requires at least two arguments, but only one was provided. Destination could not be determined'],
    ['FROM a\nADD \\\n  a', 'Dockerfile:2: ADD requires at least two arguments, but only one was provided. Destination could not be determined'],
    ['COPY a <<EOF\nx\nEOF', 'Dockerfile:1: COPY cannot accept a heredoc as a destination'],
    ['FROM a\nRUN <<EOF\necho', 'Dockerfile:2: unterminated heredoc'],
    ['RUN cat <<A <<B\na\nA\nb', 'Dockerfile:1: unterminated heredoc'],
    ['# only a comment\n\n', 'Dockerfile:2: file with no instructions'],
    ['# escape=x\nFROM a', "Dockerfile:1: invalid escape token 'x' does not match ` or \\"],
    ['# escape=\\\n# escape=`\nFROM a', 'Dockerfile:2: only one escape parser directive can be used'],
    ['COPY --foo a b', 'Dockerfile:1: unknown flag: --foo'],
    ['ENV --x=1 A=b', 'Dockerfile:1: unknown flag: --x'],
    ['FROM --platform a', 'Dockerfile:1: missing a value on flag: --platform'],
    ['COPY --link= a b', 'Dockerfile:1: missing a value on flag: --link'],
    ['COPY --link=maybe a b', 'Dockerfile:1: expecting boolean value for flag --link, not: maybe'],
    ['COPY --from=a --from=b x y', 'Dockerfile:1: duplicate flag specified: --from'],
    ['ENV', 'Dockerfile:1: ENV requires at least one argument'],
    ['ENV A', 'Dockerfile:1: ENV must have two arguments'],
    ['LABEL a', 'Dockerfile:1: LABEL must have two arguments'],
    ['ENV A=1 B', 'Dockerfile:1: Syntax error - can\'t find = in "B". Must be of the form: name=value'],
    ['ENV =1', 'Dockerfile:1: ENV names can not be blank'],
    ['ARG', 'Dockerfile:1: ARG requires at least one argument'],
    ['ARG A =x', 'Dockerfile:1: ARG names can not be blank'],
    ['USER', 'Dockerfile:1: USER requires exactly one argument'],
    ['WORKDIR   ', 'Dockerfile:1: WORKDIR requires exactly one argument'],
    ['STOPSIGNAL', 'Dockerfile:1: STOPSIGNAL requires exactly one argument'],
    ['MAINTAINER', 'Dockerfile:1: MAINTAINER requires exactly one argument'],
    ['EXPOSE', 'Dockerfile:1: EXPOSE requires at least one argument'],
    ['VOLUME', 'Dockerfile:1: VOLUME requires at least one argument'],
    ['VOLUME ["/a", ""]', 'Dockerfile:1: VOLUME specified can not be an empty string'],
    ['SHELL /bin/bash -c', 'Dockerfile:1: SHELL requires the arguments to be in JSON form'],
    ['SHELL []', 'Dockerfile:1: SHELL requires at least one argument'],
    ['ONBUILD', 'Dockerfile:1: ONBUILD requires at least one argument'],
    ['ONBUILD onbuild RUN x', 'Dockerfile:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
    ['ONBUILD from alpine', "Dockerfile:1: FROM isn't allowed as an ONBUILD trigger"],
    ['ONBUILD MAINTAINER me', "Dockerfile:1: MAINTAINER isn't allowed as an ONBUILD trigger"],
    ['HEALTHCHECK', 'Dockerfile:1: HEALTHCHECK requires at least one argument'],
    ['HEALTHCHECK NONE now', 'Dockerfile:1: HEALTHCHECK NONE takes no arguments'],
    ['HEALTHCHECK test true', 'Dockerfile:1: Unknown type "TEST" in HEALTHCHECK (try CMD)'],
    ['HEALTHCHECK CMD', 'Dockerfile:1: Missing command after HEALTHCHECK CMD'],
    ['HEALTHCHECK CMD []', 'Dockerfile:1: Missing command after HEALTHCHECK CMD'],
  ];
  for (const [text, message] of rows) {
    it(message, () => {
      assert.throws(() => parseDockerfile(text), (error: unknown) => {
        assert.ok(error instanceof DockerfileParseError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }

  it('names the file it was given, and rejects an empty one', () => {
    assert.throws(() => parseDockerfile('FROM a\nFOO', 'app.Dockerfile'), { message: 'app.Dockerfile:2: unknown instruction: FOO' });
    assert.throws(() => parseDockerfile(''), { message: 'the Dockerfile (Dockerfile) cannot be empty' });
    assert.throws(() => parseDockerfile('', 'build/Containerfile'), { message: 'the Dockerfile (build/Containerfile) cannot be empty' });
  });

  it('is an InvalidArgumentError that carries the line and the bare reason', () => {
    try {
      parseDockerfile('FROM a\nRUN \\\n  x\nBAD');
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof InvalidArgumentError);
      assert.ok(error instanceof DockerfileParseError);
      assert.equal(error.line, 4);
      assert.equal(error.reason, 'unknown instruction: BAD');
    }
  });
});
