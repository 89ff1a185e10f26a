// A stand-in test context for peers one suite shares: what they register to run "after" runs when the suite ends.
import { after } from 'node:test';

export interface SuiteScope {
  skip(message?: string): void;
  after(fn: () => unknown): void;
}

/** Call at the top of a `describe` body; pass the result to startDistribution / startDockerd inside `before`. */
export function suiteScope(): SuiteScope {
  const cleanups: Array<() => unknown> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return {
    skip: (message) => {
      throw new Error(`shared peer unavailable: ${message ?? ''}`);
    },
    after: (fn) => void cleanups.push(fn),
  };
}
