// wharf build beside real Docker 20.10's classic builder: a table of small Dockerfiles, one per instruction and form, compared by config, history and files.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { busyboxPair } from '../helpers/busybox-wharf.ts';
import { ok } from '../helpers/cli-fixtures.ts';
import type { Dockerd } from '../helpers/peers.ts';
import { runCommand } from '../helpers/run-command.ts';
import { suiteScope } from '../helpers/suite-scope.ts';
import { type RunOptions, type RunResult, tempDir, type Wharf } from '../helpers/wharf-cli.ts';

interface Case {
  name: string;
  dockerfile: string;
  /** Context files (a trailing `/` makes a directory). */
  files?: Record<string, string>;
  buildArgs?: string[];
  /** Lines before the FROM (meta ARGs); the FROM itself, `FROM busybox` unless given; the first stage's name. */
  prefix?: string;
  from?: string;
  stageName?: string;
  /** Built first as `compat-base` with both engines (and compared too), for a Dockerfile that starts FROM it. */
  base?: string;
  /** Runs in the context directory before the builds. */
  prepare?: (dir: string) => Promise<void>;
}

const CASES: Case[] = [
  { name: 'ENV, legacy and key=value forms', dockerfile: 'ENV a b c\nENV d=1 e="x y" f=$d\\ $a g=${e:+set}\nRUN echo "$a|$e|$f|$g" > /env' },
  { name: 'LABEL with quotes and escapes', dockerfile: 'LABEL "com.example.key"="one two" b=\'single $HOME\' c=plain\\ space d="with \\"escaped\\" quote"\nLABEL e=$HOME' },
  { name: 'CMD, shell form', dockerfile: 'CMD echo hi $HOME' },
  { name: 'CMD, exec form', dockerfile: 'CMD ["echo", "hi", "$HOME"]' },
  { name: 'ENTRYPOINT, exec form, drops the inherited CMD', dockerfile: 'ENTRYPOINT ["echo", "x"]' },
  { name: 'ENTRYPOINT, shell form, keeps a CMD this stage set', dockerfile: 'CMD ["a"]\nENTRYPOINT echo x' },
  { name: 'ENTRYPOINT drops a CMD an earlier stage set', dockerfile: 'CMD ["from-one"]\nFROM one\nENTRYPOINT ["echo"]', stageName: 'one' },
  { name: 'EXPOSE with protocols and ranges', dockerfile: 'EXPOSE 80 53/udp 8000-8002 9000-9001/udp 443/TCP' },
  { name: 'VOLUME, JSON and words', dockerfile: 'RUN mkdir /a && echo kept > /a/file\nVOLUME ["/a", "/b c"]\nVOLUME /d /e' },
  { name: 'USER by name', dockerfile: 'USER nobody\nRUN echo "$(id) $HOME" > /tmp/id' },
  { name: 'USER uid:gid', dockerfile: 'USER 1000:1000\nRUN echo "$(id) $HOME" > /tmp/id' },
  { name: 'WORKDIR relative chains and $VAR', dockerfile: 'WORKDIR a\nWORKDIR b\nWORKDIR /abs\nWORKDIR c\nENV D=dir\nWORKDIR $D/sub\nRUN pwd > /pwd' },
  { name: 'WORKDIR that does not exist yet, then RUN in it', dockerfile: 'WORKDIR /not/yet\nRUN touch here\nUSER nobody\nWORKDIR /nobodys' },
  { name: 'ARG before FROM used in FROM', dockerfile: 'RUN echo "[$TAG]" > /tag', prefix: 'ARG BASE=busybox\nARG TAG=latest\n', from: 'FROM $BASE:$TAG' },
  { name: 'ARG scoping: a bare ARG inherits the meta arg, ENV overrides ARG', dockerfile: 'ARG V\nARG W=w1\nENV W=fromenv\nARG X=$V-x\nRUN echo "$V $W $X" > /args', prefix: 'ARG V=meta\n' },
  { name: '--build-arg', dockerfile: 'ARG A=default\nARG B\nARG C=unset\nRUN echo "$A|$B|$C" > /ba\nENV E=$A', buildArgs: ['A=x', 'B=y z'] },
  { name: 'STOPSIGNAL', dockerfile: 'STOPSIGNAL SIGUSR1' },
  { name: 'HEALTHCHECK with flags', dockerfile: 'HEALTHCHECK --interval=30s --timeout=5s --start-period=1m30s --retries=3 CMD wget -q http://x || exit 1' },
  { name: 'HEALTHCHECK exec form, then NONE', dockerfile: 'HEALTHCHECK CMD ["true"]\nRUN true\nHEALTHCHECK NONE' },
  { name: 'SHELL then RUN and CMD', dockerfile: 'SHELL ["/bin/sh", "-e", "-c"]\nRUN echo "$0 $-" > /shell\nCMD echo hi\nSHELL ["/bin/echo"]\nRUN from echo' },
  { name: 'ONBUILD in a base, then a child FROM it', base: 'FROM busybox\nONBUILD RUN echo triggered > /trig\nONBUILD ENV T=1\nONBUILD COPY a.txt /onbuild/\n', from: 'FROM compat-base', dockerfile: 'RUN cat /trig > /copy', files: { 'a.txt': 'a\n' } },
  { name: 'MAINTAINER', dockerfile: 'MAINTAINER Jane Doe <jane@example.com>' },
  { name: 'COPY file to file, to dir, and a dir', dockerfile: 'COPY a.txt /copied.txt\nCOPY a.txt /dir/\nCOPY sub /sub\nCOPY sub/ /sub2/\nCOPY a.txt sub /both/', files: { 'a.txt': 'a\n', 'sub/b.txt': 'b\n', 'sub/deeper/c.txt': 'c\n', 'sub/empty/': '' }, prepare: (dir) => chmod(join(dir, 'sub'), 0o750) },
  { name: 'COPY with wildcards', dockerfile: 'COPY *.txt /w/\nCOPY s?b/*.txt /w2/\nCOPY [a-b].txt /w3/', files: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.md': 'c\n', 'sub/d.txt': 'd\n' } },
  { name: 'COPY --chown', dockerfile: 'COPY --chown=1000:1000 a.txt /own/\nCOPY --chown=nobody sub /own2/\nCOPY --chown=nobody:root a.txt /own3.txt', files: { 'a.txt': 'a\n', 'sub/b.txt': 'b\n' } },
  { name: 'ADD of a local tar.gz', dockerfile: 'ADD pack.tar.gz /unpacked/\nADD pack.tar.gz /', files: { 'pack/inside.txt': 'inside\n', 'pack/dir/deep.txt': 'deep\n' }, prepare: (dir) => tarGz(dir) },
  { name: 'multi-stage with COPY --from', dockerfile: 'RUN mkdir /out && echo built > /out/r && chmod 600 /out/r\nFROM busybox\nCOPY --from=0 /out/r /from-index\nCOPY --from=build /out /from-name\nCOPY --from=busybox /etc/motd /from-image', stageName: 'build' },
  { name: '.dockerignore with ! and **', dockerfile: 'COPY . /ctx/', files: { '.dockerignore': '**/*.log\n!keep/**/important.log\nsecret\n*/tmp*\n', 'a.txt': 'a\n', 'x.log': 'x\n', 'keep/deep/important.log': 'i\n', 'keep/deep/other.log': 'o\n', secret: 's\n', 'sub/tmpfile': 't\n', 'sub/kept': 'k\n' } },
  { name: 'RUN deleting files from a lower layer', dockerfile: 'RUN rm /etc/motd && rm -r /app && echo new > /etc/new' },
];

const HEREDOCS = `FROM busybox
ARG WHO=world
RUN <<EOF
echo one > /h1
echo "two $WHO" >> /h1
EOF
RUN cat <<-EOT > /h2
\tstripped
\tEOT
COPY <<EOF /h3
hello "$WHO" 'x'
EOF
COPY <<one <<two /many/
first
one
second
two
COPY --chmod=600 a.txt /m.txt
`;

const FIND = 'find / -xdev \\( -path /proc -o -path /sys -o -path /dev \\) -prune -o';
const WITHOUT_RUNTIME_FILES = 'grep -v "^/\\.dockerenv$\\|^/etc/\\(hosts\\|hostname\\|resolv\\.conf\\)$"';
/** Files newer than the base image's, with the contents of small ones indented under them; a hash of every path shows deletions. */
const LISTING = [
  `${FIND} -newer /bin/busybox -print | ${WITHOUT_RUNTIME_FILES} | sort`,
  'while read -r f; do stat -c "%n %F %a %u:%g %s" "$f"; if [ -f "$f" ] && [ ! -L "$f" ] && [ $(stat -c %s "$f") -le 200 ]; then sed "s/^/  | /" "$f"; fi; done',
].join(' | ') + `; echo "all paths: $(${FIND} -print | ${WITHOUT_RUNTIME_FILES} | sort | md5sum)"`;

/** Config fields the comparison covers, with the image's author, layer count and history beside them. */
const CONFIG_FIELDS = ['Cmd', 'Entrypoint', 'Env', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'Labels', 'StopSignal', 'Healthcheck', 'OnBuild', 'Shell'];

type Engine = (args: string[], options?: RunOptions) => Promise<RunResult>;

/** COPY's content hashes are our own (Docker's come from its tarsum): compare the rest. */
const withoutHashes = (lines: string[]) => lines.map((line) => line.replace(/(file|dir|multi):[0-9a-f]{64}/, '$1:HASH'));

async function imageFacts(engine: Engine, tag: string): Promise<Record<string, unknown>> {
  const image = JSON.parse(ok(await engine(['image', 'inspect', tag])).stdout)[0];
  const config = Object.fromEntries(CONFIG_FIELDS.map((field) => [field, image.Config[field] ?? null]));
  const history = ok(await engine(['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag])).stdout.trim().split('\n');
  const files = ok(await engine(['run', '--rm', '--network', 'none', '-u', '0', '--entrypoint', 'sh', tag, '-c', LISTING]), `listing ${tag}`).stdout;
  return { config, author: image.Author, layers: image.RootFS.Layers.length, history: withoutHashes(history), files };
}

function writeContext(t: TestContext, dockerfile: string, files: Record<string, string>): string {
  const dir = tempDir(t);
  for (const [name, content] of Object.entries({ ...files, Dockerfile: dockerfile })) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    if (name.endsWith('/')) mkdirSync(path, { recursive: true });
    else writeFileSync(path, content);
  }
  return dir;
}

async function tarGz(dir: string): Promise<void> {
  ok(await runCommand('tar', ['-czf', join(dir, 'pack.tar.gz'), '--owner=0', '--group=0', '-C', join(dir, 'pack'), '.']));
}

describe('wharf build beside Docker 20.10\'s classic builder', { skip: process.getuid?.() === 0 ? undefined : 'needs root' }, () => {
  const scope = suiteScope();
  let wharf: Wharf;
  let docker: Dockerd;
  const engines = (): Array<[string, Engine]> => [
    ['wharf', (args, options) => wharf.run(args, options)],
    ['docker', (args, options) => docker.docker(args, { ...options, env: { DOCKER_BUILDKIT: '0', ...options?.env } })],
  ];

  before(async () => {
    const pair = await busyboxPair(scope);
    ({ wharf, docker } = pair!);
  });

  /** Builds the Dockerfile as `tag` with both engines and compares what they made. */
  async function buildBoth(t: TestContext, tag: string, dockerfile: string, testCase: Case): Promise<void> {
    const dir = writeContext(t, dockerfile, testCase.files ?? {});
    await testCase.prepare?.(dir);
    const args = ['build', '-q', '--network', 'none', ...(testCase.buildArgs ?? []).flatMap((arg) => ['--build-arg', arg]), '-t', tag, dir];
    const facts: Record<string, unknown>[] = [];
    for (const [name, engine] of engines()) {
      ok(await engine(args), `${name} build`);
      facts.push(await imageFacts(engine, tag));
    }
    assert.deepEqual(facts[0], facts[1]);
  }

  for (const testCase of CASES) {
    it(testCase.name, async (t) => {
      if (testCase.base) await buildBoth(t, 'compat-base', testCase.base, testCase);
      const from = `${testCase.prefix ?? ''}${testCase.from ?? 'FROM busybox'}${testCase.stageName ? ` AS ${testCase.stageName}` : ''}\n`;
      await buildBoth(t, 'compat', `${from}${testCase.dockerfile}\n`, testCase);
    });
  }

  // the classic builder has no heredocs, and refuses --chmod ("requires BuildKit"): wharf takes both as BuildKit does
  it('takes heredocs and COPY --chmod, which only BuildKit has (wharf alone)', async (t) => {
    const dir = writeContext(t, HEREDOCS, { 'a.txt': 'a\n' });
    ok(await wharf.run(['build', '-q', '-t', 'heredocs', dir]));
    const out = ok(await wharf.run(['run', '--rm', 'heredocs', 'sh', '-c', 'cat /h1 /h2 /h3 /many/one /many/two; stat -c "%a %u %n" /m.txt /h3'])).stdout;
    assert.equal(out, `one\ntwo world\nstripped\nhello "world" 'x'\nfirst\nsecond\n600 0 /m.txt\n664 0 /h3\n`);
  });
});
