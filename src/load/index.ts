// Load runs: the coordinator. Plans the run, starts workers (threads), waits until every client is connected and
// subscribed, fixes a common start time, relays live progress, drains outstanding deliveries, and merges the
// workers' exact measurements into one LoadResult. The phases, in order (README.md):
//   plan (run-plan.ts) -> start workers (crew.ts) -> connect -> common start -> measure -> drain -> finish
//   (run-phases.ts, progress lines in progress.ts) -> collect and build the result (run-collect.ts, result.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoadResult } from '../results/model.ts';
import type { LoadProfile } from '../scenario/load-profile/model.ts';
import { Crew } from './crew.ts';
import { clock } from './payload.ts';
import { collectResult } from './run-collect.ts';
import { commonStart, connectPhase, drainPhase, finishPhase, measurePhase, type Run } from './run-phases.ts';
import { type LoadRunOptions, planRun } from './run-plan.ts';

export type { Overrides } from './plan.ts';
export { SATURATED_ELU } from './progress.ts';
export type { LoadRunOptions } from './run-plan.ts';

export async function runLoad(profileIn: LoadProfile, opts: LoadRunOptions): Promise<LoadResult> {
  const plan = planRun(profileIn, opts);
  const warnings: string[] = [];
  const startedAt = new Date().toISOString();
  const cpu0 = process.cpuUsage();
  const wall0 = clock();
  const mainLag = monitorEventLoopDelay({ resolution: 10 });
  mainLag.enable();
  const crew = new Crew(plan, opts, warnings);
  crew.start();
  const base = { profile: plan.profile.id, clients: plan.mine.length, durationMs: plan.profile.durationMs };
  const run: Run = { plan, opts, crew, warnings, base };

  const connected = await connectPhase(run);
  const t0 = commonStart(run);
  const measured = await measurePhase(run, t0, connected.nobody);
  const drained = await drainPhase(run, connected.nobody);
  const cpuRun = process.cpuUsage(measured.cpuRun0);
  await finishPhase(run);
  mainLag.disable();
  const own = { startedAt, cpu0, wall0, mainLag, cpuRun, t0 };
  return collectResult(run, own, connected, measured, drained);
}
