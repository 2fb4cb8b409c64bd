// fault: network faults on a client's link. A client named in any `fault:` step of the case opens every
// connection through its own fault proxy (127.0.0.1, a free port) in front of the broker; the step applies the
// fault to that proxy. The proxies close with the case's connections.
import type { CaseSpec, Step, StepAction } from '../../scenario/model.ts';
import { type FaultProxy, startFaultProxy } from '../../transport/fault-proxy/index.ts';
import { toEndpoint } from '../../transport/index.ts';
import type { CaseEnv } from './common.ts';
import { StepError } from './common.ts';

const faulted = new WeakMap<CaseSpec, Set<string>>();

function faultedClients(spec: CaseSpec): Set<string> {
  let s = faulted.get(spec);
  if (!s) {
    s = new Set();
    const walk = (steps: Step[]): void => {
      for (const st of steps) {
        if (st.action.kind === 'fault' && st.client) s?.add(st.client);
        if (st.action.kind === 'parallel') for (const b of st.action.branches) walk(b);
      }
    };
    walk(spec.steps);
    walk(spec.cleanup ?? []);
    faulted.set(spec, s);
  }
  return s;
}

/** The client's proxy (started on first use), or undefined when the case never faults this client. */
export async function proxyFor(env: CaseEnv, name: string, url: string): Promise<FaultProxy | undefined> {
  if (!faultedClients(env.spec).has(name)) return undefined;
  env.state.proxies ??= new Map();
  const ep = toEndpoint(new URL(url), url);
  if (!ep) throw new StepError(`cannot proxy '${url}'`);
  const key = `${name} ${ep.host}:${ep.port}`;
  let p = env.state.proxies.get(key);
  if (!p) {
    p = await startFaultProxy({ target: { host: ep.host, port: ep.port } });
    env.state.proxies.set(key, p);
    env.transcript.event(name, `fault proxy 127.0.0.1:${p.port} -> ${ep.host}:${ep.port}`);
  }
  return p;
}

export async function doFault(
  env: CaseEnv,
  step: Step,
  a: StepAction & { kind: 'fault' },
  url: string,
): Promise<void> {
  const name = step.client as string;
  const proxy = await proxyFor(env, name, url);
  if (!proxy) throw new StepError(`client ${name} has no fault proxy`, 'internal');
  const links = proxy.apply(a.fault, undefined, a.forMs);
  const what = Object.entries(a.fault)
    .filter(([k]) => k !== 'type')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const span = a.forMs !== undefined ? ` for ${a.forMs}ms` : '';
  env.transcript.event(
    name,
    `fault: ${a.fault.type}${what ? ` ${what}` : ''}${span} (${links} open link(s))`,
  );
}

export async function closeProxies(state: CaseEnv['state']): Promise<void> {
  const all = [...(state.proxies?.values() ?? [])];
  state.proxies?.clear();
  await Promise.all(all.map((p) => p.close()));
}
