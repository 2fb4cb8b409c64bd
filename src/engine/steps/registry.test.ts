// The registry implements exactly the step actions the scenario validator accepts (the compiler already
// refuses a model kind without an implementation; this holds the validator's vocabulary to the same list).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STEP_ACTIONS } from '../../scenario/vocabulary.ts';
import { STEP_HANDLERS } from './registry.ts';

test('every step action of the scenario language has an implementation, and no other', () => {
  // `use` inlines a fragment when the file is loaded: it never reaches the engine
  const runtime = STEP_ACTIONS.filter((a) => a !== 'use');
  assert.deepEqual(Object.keys(STEP_HANDLERS).sort(), [...runtime].sort());
});
