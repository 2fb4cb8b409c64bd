// Test helpers: profiles from inline YAML, and the peers policy (skip locally, fail under CI when missing).
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import { loadProfileText } from '../scenario/load-profile/yaml.ts';
import { mosquittoAvailable } from './peers.ts';

export function profileFrom(text: string): LoadProfile {
  const { profile, problems } = loadProfileText(text, 'inline.yaml');
  assert.deepEqual(problems, []);
  assert.ok(profile);
  return profile;
}

/** True when mosquitto can be used; skips the test otherwise (throws under CI=true, naming the apt package). */
export function needMosquitto(t: TestContext): boolean {
  if (mosquittoAvailable()) return true;
  t.skip("mosquitto not installed (apt package 'mosquitto')");
  return false;
}
