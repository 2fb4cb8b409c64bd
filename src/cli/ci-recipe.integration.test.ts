// The GitHub Actions recipe (docs/examples/github-actions.yml) run locally, step by step, with its exact
// commands: mosquitto started from the recipe's own configuration (on free ports instead of 1883/8080), then
// the Conformance, Load and Report steps through `npm run -s crucible --`, and the Verdict step's shell gate
// on their outcomes. Green against mosquitto with the bundled baseline; red when the broker has a fault
// (mosquitto's `upgrade_outgoing_qos true`, which delivers messages at a higher QoS than they were published).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'yaml';
import { skipReason } from '../transport/testing/peers/missing.ts';
import { mosquittoMissing, runMosquitto } from '../transport/testing/peers/mosquitto.ts';
import { freePort } from '../transport/testing/ports.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RECIPE = join(ROOT, 'docs', 'examples', 'github-actions.yml');
const skip = skipReason(mosquittoMissing({ tls: false }));

interface Step {
  name?: string;
  id?: string;
  run?: string;
}

function recipeSteps(): Step[] {
  const wf = parse(readFileSync(RECIPE, 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
  const job = Object.values(wf.jobs)[0];
  assert.ok(job, 'the recipe has a job');
  return job.steps;
}

function step(steps: Step[], name: string): Step & { run: string } {
  const s = steps.find((x) => x.name === name);
  assert.ok(s?.run, `the recipe has a '${name}' step with a run command`);
  return s as Step & { run: string };
}

/** The broker configuration the recipe writes (its printf), on our ports, plus any extra lines. */
function mosquittoConf(startRun: string, tcp: number, ws: number, extra: string[]): string {
  const m = /printf '([^']*)' > ci\/mosquitto\.conf/.exec(startRun);
  assert.ok(m?.[1], 'the broker step writes ci/mosquitto.conf with printf');
  const conf = m[1]
    .replace(/\\n/g, '\n')
    .replace(/^listener 1883$/m, `listener ${tcp} 127.0.0.1`)
    .replace(/^listener 8080$/m, `listener ${ws} 127.0.0.1`);
  assert.match(conf, new RegExp(`listener ${tcp} `));
  assert.match(conf, new RegExp(`listener ${ws} `));
  return `${conf}${extra.map((l) => `${l}\n`).join('')}`;
}

/** A shell step of the recipe in `cwd`; resolves with its exit code. */
function sh(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      '/bin/bash',
      ['-e', '-c', script],
      { cwd, env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr }),
    );
  });
}

interface RecipeRun {
  outcomes: Record<string, 'success' | 'failure' | ''>;
  verdict: number;
  log: string;
  summary: string;
  dir: string;
}

/** Runs the recipe's steps against a mosquitto with `extraConf` lines; returns step outcomes and the gate. */
async function runRecipe(extraConf: string[]): Promise<RecipeRun> {
  const steps = recipeSteps();
  const dir = mkdtempSync(join(tmpdir(), 'crucible-recipe-'));
  // A checkout: the recipe's relative paths (suites/, scenarios/, reports/) resolve here.
  for (const f of ['package.json', 'tsconfig.json', 'node_modules', 'bin', 'src', 'suites', 'scenarios'])
    symlinkSync(join(ROOT, f), join(dir, f));
  const [tcp, ws] = [await freePort(), await freePort()];
  const conf = mosquittoConf(step(steps, 'Start the broker under test').run, tcp, ws, extraConf);
  const mosqDir = mkdtempSync(join(tmpdir(), 'crucible-mosq-'));
  const broker = await runMosquitto(mosqDir, conf.trimEnd().split('\n'), [tcp, ws]);
  const summaryFile = join(dir, 'step-summary.md');
  writeFileSync(summaryFile, '');
  const env = { GITHUB_STEP_SUMMARY: summaryFile, NO_COLOR: '1', CI: 'true' };
  const local = (run: string) =>
    run.replaceAll('127.0.0.1:1883', `127.0.0.1:${tcp}`).replaceAll('127.0.0.1:8080', `127.0.0.1:${ws}`);
  const outcomes: RecipeRun['outcomes'] = { conform: '', load: '', compare: '' };
  let log = '';
  try {
    for (const name of ['Conformance', 'Load', 'Report']) {
      const s = step(steps, name);
      const r = await sh(local(s.run), dir, env);
      log += `--- ${name} (exit ${r.code})\n${r.out}\n`;
      if (s.id) outcomes[s.id] = r.code === 0 ? 'success' : 'failure';
      else assert.equal(r.code, 0, `${name} never fails the job\n${r.out}`);
    }
  } finally {
    await broker.stop();
  }
  // The gate, with GitHub's ${{ steps.<id>.outcome }} filled in (compare does not run outside pull requests).
  const gate = step(steps, 'Verdict').run.replace(
    /\$\{\{\s*steps\.(\w+)\.outcome\s*\}\}/g,
    (_m, id: string) => outcomes[id] ?? '',
  );
  const verdict = await sh(gate, dir, env);
  log += `--- Verdict (exit ${verdict.code})\n${verdict.out}\n`;
  return { outcomes, verdict: verdict.code, log, summary: readFileSync(summaryFile, 'utf8'), dir };
}

describe('the GitHub Actions recipe, run locally against mosquitto', { skip }, () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('green against mosquitto with its baseline', async () => {
    const r = await runRecipe([]);
    dirs.push(r.dir);
    assert.deepEqual(r.outcomes, { conform: 'success', load: 'success', compare: '' }, r.log);
    assert.equal(r.verdict, 0, r.log);
    assert.match(r.summary, /mqtt-crucible report/, 'the job summary got summary.md');
    for (const f of ['index.html', 'junit.xml', 'summary.md', 'results.json'])
      assert.ok(existsSync(join(r.dir, 'reports', 'ci', f)), `reports/ci/${f}\n${r.log}`);
  });

  test('red when the broker delivers at a higher QoS than published (a fault)', async () => {
    const r = await runRecipe(['upgrade_outgoing_qos true']);
    dirs.push(r.dir);
    assert.equal(r.outcomes.conform, 'failure', r.log);
    assert.notEqual(r.verdict, 0, r.log);
    assert.match(r.log, /NEW +subscribe\.delivered-qos-capped-by-published/);
    // The reports are still published, and they say what failed.
    const junit = readFileSync(join(r.dir, 'reports', 'ci', 'junit.xml'), 'utf8');
    assert.match(junit, /<failure [^>]*type="MQTT-3\.8\.4-6"/);
  });
});
