import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideExit, EXIT, EXIT_PRECEDENCE, type ExitCode, exitCodeForSignal } from './exit-codes.ts';

describe('the one precedence rule', () => {
  test('every code of the table has its place in the precedence, once', () => {
    assert.deepEqual(
      [...EXIT_PRECEDENCE].sort((a, b) => a - b),
      Object.values(EXIT).sort((a, b) => a - b),
    );
  });

  // situations of one command -> the code it exits with
  const table: Array<[string, Array<ExitCode | undefined>, ExitCode]> = [
    ['nothing at all', [], 0],
    ['only ok', [0, undefined, 0], 0],
    ['a conformance failure and a failed threshold', [2, 1], 1],
    ['a failed threshold and a failed reporter', [7, 2], 2],
    ['only a failed reporter', [0, 7], 7],
    ['a conformance failure and a failed reporter', [1, 7], 1],
    ['an unreachable broker over the failures of what ran', [1, 4, 2], 4],
    ['a refused probe over an unreachable broker', [4, 6], 6],
    ['invalid input over an unreachable broker', [4, 3], 3],
    ['a harness error over a conformance failure', [1, 5], 5],
    ['a harness error over invalid input', [3, 5], 5],
    ['an interrupt over everything', [5, 3, 1, 130], 130],
    ['SIGTERM over a failed reporter', [7, 143], 143],
    ['runs that cannot be compared, in the order 12, 13, 10, 11', [11, 10, 13, 12], 12],
    ['13 over 10', [10, 13], 13],
    ['10 over 11', [11, 10], 10],
    ['not comparable over a regression', [2, 11], 11],
  ];
  for (const [what, codes, expected] of table) {
    test(`${what} -> ${expected}`, () => assert.equal(decideExit(...codes), expected));
  }

  test('signals map to 128 + their number', () => {
    assert.equal(exitCodeForSignal('SIGINT'), 130);
    assert.equal(exitCodeForSignal('SIGTERM'), 143);
  });
});
