// The one rule for a missing peer broker: under CI (any non-empty CI, e.g. CI=1 or CI=true) the test fails with
// a message saying how to install the peer; anywhere else the test is skipped with that message. Tests only.
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

function inCI(): boolean {
  return (process.env.CI ?? '') !== '';
}

/** Why `path` cannot be used (with the apt-get line that installs `pkg`), or undefined when it is there. */
export function binaryMissing(path: string, pkg: string): string | undefined {
  return existsSync(path) ? undefined : `${path} not found (install it with \`apt-get install -y ${pkg}\`)`;
}

/** For `test(name, { skip: skipReason(why) }, ...)`: false when usable, the reason to skip, or a throw under CI. */
export function skipReason(why: string | undefined): string | false {
  if (why === undefined) return false;
  if (inCI()) throw new Error(`integration peer missing: ${why}`);
  return why;
}

/** Inside a test: true when usable; otherwise skips the test (a throw under CI). */
export function requirePeer(t: TestContext, why: string | undefined): boolean {
  const skip = skipReason(why);
  if (skip === false) return true;
  t.skip(skip);
  return false;
}
