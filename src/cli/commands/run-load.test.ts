import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../common/exit-codes.ts';
import { parseFlags } from '../args.ts';
import { LOAD_FLAGS, loadFlags, parseShard } from './run-load.ts';

describe('run-load flags', () => {
  test('shards: i/N and auto/N from JOB_COMPLETION_INDEX', () => {
    assert.deepEqual(parseShard('1/3'), { index: 1, count: 3 });
    assert.deepEqual(parseShard('auto/4', { JOB_COMPLETION_INDEX: '2' }), { index: 2, count: 4 });
    assert.throws(() => parseShard('3/3'), UsageError);
    assert.throws(() => parseShard('auto/4', {}), /JOB_COMPLETION_INDEX/);
    assert.throws(() => parseShard('x'), /--shard/);
  });

  test('overrides and errors that name the flag', () => {
    const f = parseFlags(
      [
        '--clients',
        '500',
        '--rate',
        '2000/s',
        '--duration',
        '90s',
        '--workers',
        '0',
        '--start-at',
        '1700000000000',
      ],
      LOAD_FLAGS,
      'run',
    );
    assert.deepEqual(loadFlags(f, 'mqtt://h'), {
      broker: 'mqtt://h',
      clients: 500,
      rate: 2000,
      durationMs: 90_000,
      workers: 0,
      startAt: 1_700_000_000_000,
    });
    assert.throws(() => loadFlags(parseFlags(['--rate', 'fast'], LOAD_FLAGS, 'run'), 'mqtt://h'), /--rate/);
    assert.throws(
      () => loadFlags(parseFlags(['--duration', 'long'], LOAD_FLAGS, 'run'), 'mqtt://h'),
      /--duration/,
    );
  });
});
