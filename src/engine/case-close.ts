// Phase 5 of a case (close): every socket and fault proxy of the case goes, then the case's cleanup steps
// run on fresh connections and are closed in turn.
import type { Step } from '../scenario/model.ts';
import { describeStep, hardBudget } from './case-steps.ts';
import type { ScenarioClient } from './client.ts';
import type { CaseEnv } from './steps/common.ts';
import { closeProxies } from './steps/fault.ts';
import type { Transcript } from './transcript.ts';
import type { CaseRunOutcome } from './types.ts';

const CLEANUP_MARGIN_MS = 2000;

/** A fresh environment for the cleanup (its own clients, findings and signal). */
export type CleanupEnvMaker = (signal: AbortSignal, onStep: (s: Step) => void) => CaseEnv;

/** Closes the case's clients and proxies; then runs `cleanup` unless nothing reached the broker. */
export async function closeCase(
  env: CaseEnv,
  cleanup: Step[] | undefined,
  errorKind: CaseRunOutcome['errorKind'],
  base: (s: Step) => number,
  makeCleanupEnv: CleanupEnvMaker,
): Promise<void> {
  await closeAll([...env.clients.values()]);
  await closeProxies(env.state);
  // Cleanup: always after the steps (unless nothing ever reached the broker), never changes the outcome.
  if (cleanup && cleanup.length > 0 && env.state.anySent && errorKind !== 'unreachable')
    await runCleanup(cleanup, env.transcript, base, makeCleanupEnv);
}

/**
 * Runs a case's cleanup steps on fresh connections (the case's own connections are closed by then),
 * with their own deadlines and a hard deadline of their own. Success or failure is a transcript event;
 * the strict checker's findings during cleanup are not the case's.
 */
async function runCleanup(
  steps: Step[],
  transcript: Transcript,
  base: (s: Step) => number,
  makeEnv: CleanupEnvMaker,
): Promise<void> {
  const controller = new AbortController();
  let current: Step | undefined;
  const env = makeEnv(controller.signal, (s) => {
    current = s;
  });
  const budget = hardBudget(steps, base, CLEANUP_MARGIN_MS);
  transcript.event('', `cleanup: ${steps.length} step${steps.length === 1 ? '' : 's'}`);
  let timer: NodeJS.Timeout | undefined;
  const hard = new Promise<'hard-deadline'>((resolve) => {
    timer = setTimeout(() => resolve('hard-deadline'), budget);
  });
  try {
    const r = await Promise.race([env.runSteps(steps, env).then(() => 'done' as const), hard]);
    if (r === 'hard-deadline')
      transcript.event(current?.client ?? '', `cleanup failed: exceeded its deadline of ${budget}ms`);
    else transcript.event('', 'cleanup: done');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    transcript.event(
      current?.client ?? '',
      `cleanup failed: ${current ? describeStep(current) : '(cleanup)'}: ${msg}`,
    );
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  await closeAll([...env.clients.values()]);
  await closeProxies(env.state);
}

/** Case end: every socket goes. A client that closed cleanly gets a short grace to finish its FIN
 *  handshake (an RST right behind a DISCONNECT upsets some brokers); everything else is destroyed. */
async function closeAll(clients: ScenarioClient[]): Promise<void> {
  const ending = clients.filter((c) => c.closedByUs && c.conn && !c.conn.closed);
  for (const c of clients) if (!ending.includes(c)) c.destroy();
  if (ending.length > 0) {
    await Promise.race([
      Promise.all(ending.map((c) => new Promise<void>((r) => c.conn?.onClose(() => r())))),
      new Promise<void>((r) => setTimeout(r, 500).unref()),
    ]);
    for (const c of ending) c.destroy();
  }
}
