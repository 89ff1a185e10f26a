// Build progress renderers: BuildKit's plain lines, and its terminal frames (a header, one line per step with its time, the running step's output tail).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlainProgress } from '../../../src/build/plain-progress.ts';
import { TtyProgress } from '../../../src/build/tty-progress.ts';

/** The last frame drawn, escape sequences removed. */
function lastFrame(writes: string[]): string[] {
  const frame = writes.at(-1)!.replace(/\x1b\[\d*[AJK]/g, '');
  return frame.split('\n').filter(Boolean);
}

describe('PlainProgress', () => {
  it('numbers vertices and stamps each output line, ending with CACHED, DONE or ERROR', () => {
    const out: string[] = [];
    const progress = new PlainProgress((text) => out.push(text));
    progress.vertex('[1/3] FROM busybox').done();
    progress.vertex('[2/3] COPY a .').cached();
    const run = progress.vertex('[3/3] RUN echo hi');
    run.output('hi\npart');
    run.error('boom');
    const text = out.join('');
    assert.match(text, /^#1 \[1\/3\] FROM busybox\n#1 DONE \d+\.\ds\n\n#2 \[2\/3\] COPY a \.\n#2 CACHED\n\n#3 \[3\/3\] RUN echo hi\n/);
    assert.match(text, /#3 \d+\.\d{3} hi\n#3 \d+\.\d{3} part\n#3 ERROR: boom\n\n$/);
  });
});

describe('TtyProgress', () => {
  it('redraws in place: a header counting finished steps, CACHED and ERROR marks, times at the right edge, and the running step\'s last lines', () => {
    const writes: string[] = [];
    const progress = new TtyProgress({ write: (text: string) => writes.push(text), columns: 60 });
    progress.vertex('[1/3] FROM busybox').done();
    progress.vertex('[2/3] COPY a .').cached();
    const run = progress.vertex('[3/3] RUN seq 10');
    run.output(Array.from({ length: 10 }, (_, i) => `${i + 1}\n`).join(''));
    progress.vertex('extra'); // drawn while RUN still runs
    const running = lastFrame(writes);
    assert.match(running[0], /^\[\+\] Building \d+\.\ds \(2\/4\)$/);
    assert.deepEqual(running.filter((line) => line.startsWith(' => => # ')), ['5', '6', '7', '8', '9', '10'].map((n) => ` => => # ${n}`));
    assert.match(writes.at(-1)!, /^\x1b\[\d+A/, 'each frame starts by moving up over the last one');
    run.error('exit 1');
    progress.finish();
    const final = lastFrame(writes);
    assert.match(final[0], /\(3\/4\) FINISHED$/);
    assert.match(final[2], /^ => CACHED \[2\/3\] COPY a \. +\d+\.\ds$/);
    assert.equal(final[2].length, 60);
    assert.ok(final.some((line) => line.startsWith(' => ERROR [3/3] RUN seq 10')));
    assert.equal(final.at(-1), ' => extra'.padEnd(60 - 4) + final.at(-1)!.slice(-4));
  });
});
