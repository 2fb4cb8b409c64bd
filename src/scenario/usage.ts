// Cross-step checks of one concrete case: every `${var}` can exist, every client is opened before use.
import type { Checker } from './context.ts';
import type { ClientSpec, MqttVersion, Step } from './model.ts';
import { didYouMean, fieldOf, type Path } from './problems.ts';

/** Reports references to variables that are not builtins, params, captures, set vars or namespaces. */
export function checkVarRefs(ck: Checker, known: Set<string>, clients: Set<string>): void {
  for (const r of ck.refs) {
    if (r.error) {
      ck.problem(r.at, r.error, "write '$$' for a literal '$'");
      continue;
    }
    const [head, ...rest] = r.name.split('.');
    if (head === 'profile' || head === 'cap') {
      if (rest.length === 0)
        ck.problem(
          r.at,
          `\${${head}} needs a field, e.g. \${${head}.${head === 'cap' ? 'maximumQoS' : 'auth.username'}}`,
        );
      continue;
    }
    if (head === 'client') {
      const name = rest.join('.');
      if (!clients.has(name))
        ck.problem(
          r.at,
          `\${${r.name}}: no client named '${name}' in this case`,
          clients.size ? didYouMean(name, [...clients]) : undefined,
        );
      continue;
    }
    if (known.has(head!)) continue;
    const candidates = [...known, 'profile.*', 'cap.*', 'client.NAME'];
    ck.problem(
      r.at,
      `unknown variable \${${r.name}}`,
      `${closestHint(head!, [...known])}known here: ${candidates.join(', ')}`,
    );
  }
  ck.refs = [];
}

function closestHint(name: string, known: string[]): string {
  const h = didYouMean(name, known);
  return h.startsWith('did you mean') ? `${h} ` : '';
}

/**
 * `frame:` (send, sendRaw) shapes WebSocket frames, so it needs a client that is on ws at that step: declared in
 * `clients: { a: { transport: ws } }`, or opened by a connect/open with `transport: ws`. Walks the steps in order.
 */
export function checkFrames(
  ck: Checker,
  steps: Step[],
  clients: Record<string, ClientSpec>,
  on: Map<string, 'tcp' | 'ws' | undefined> = new Map(),
): void {
  for (const s of steps) {
    const a = s.action;
    if (a.kind === 'parallel') {
      for (const b of a.branches) checkFrames(ck, b, clients, new Map(on));
      continue;
    }
    if (s.client === undefined) continue;
    if ((a.kind === 'connect' || a.kind === 'open') && a.transport !== undefined)
      on.set(s.client, a.transport);
    if ((a.kind !== 'send' && a.kind !== 'sendRaw') || a.frame === undefined) continue;
    const transport = on.has(s.client) ? on.get(s.client) : clients[s.client]?.transport;
    if (transport === 'ws') continue;
    ck.problem(
      [...(ck.stepPaths.get(s) ?? []), a.kind, 'frame'],
      `frame: ${a.frame} shapes a WebSocket frame, but client '${s.client}' is ${
        transport === 'tcp' ? 'on tcp' : 'not declared a WebSocket client'
      } here`,
      `give the case clients: { ${s.client}: { transport: ws } } and requires: { ws: true }`,
    );
  }
}

/** Packets a client sends: properties only exist in MQTT 5.0 (mqtt-packet drops them silently for 3.x). */
export function checkVersionedFields(
  ck: Checker,
  steps: Step[],
  caseVersion: MqttVersion,
  clients: Record<string, ClientSpec>,
): void {
  for (const s of steps) {
    const a = s.action;
    if (a.kind === 'parallel') {
      for (const b of a.branches) checkVersionedFields(ck, b, caseVersion, clients);
      continue;
    }
    if (!('packet' in a) || s.client === undefined) continue;
    const version = clients[s.client]?.version ?? caseVersion;
    if (version === '5.0' || typeof version !== 'string' || version.includes('${')) continue;
    const p = a.packet as Record<string, unknown>;
    const will = p.will as Record<string, unknown> | undefined;
    const where =
      p.properties !== undefined
        ? ['properties']
        : will?.properties !== undefined
          ? ['will', 'properties']
          : undefined;
    if (!where) continue;
    const at = ck.stepPaths.get(s) ?? [];
    const key = a.kind === 'sendMutated' ? [a.kind, 'packet'] : [a.kind];
    ck.problem(
      [...at, ...key, ...where],
      `properties are MQTT 5.0 only, but client '${s.client}' speaks ${version} here`,
      'remove them, or make the client (or case) version "5.0"',
      true,
    );
  }
}

/** A barrier only makes sense when at least two branches of the same parallel meet at it. */
export function checkBarriers(ck: Checker, steps: Step[]): void {
  for (const s of steps) {
    if (s.action.kind !== 'parallel') continue;
    const perBranch = s.action.branches.map((b) => {
      const names = new Map<string, Step>();
      for (const x of b)
        if (x.action.kind === 'barrier' && !names.has(x.action.name)) names.set(x.action.name, x);
      return names;
    });
    const count = new Map<string, number>();
    for (const names of perBranch) for (const n of names.keys()) count.set(n, (count.get(n) ?? 0) + 1);
    for (const names of perBranch)
      for (const [n, step] of names)
        if (count.get(n) === 1)
          ck.problems.push({
            file: step.loc.file,
            line: step.loc.line,
            column: step.loc.column,
            field: fieldOf([...(ck.stepPaths.get(step) ?? []), 'barrier']),
            message: `barrier '${n}' is in only one branch of this parallel, so no other branch meets it`,
            hint: `add { barrier: ${n} } to the branches that must wait for each other`,
          });
    for (const b of s.action.branches) checkBarriers(ck, b);
  }
}

/**
 * Walks steps in order: a client must be opened (connect/open) before any other action, in the same
 * parallel branch or before the parallel. Returns every client name seen.
 */
export function checkClientUse(
  ck: Checker,
  steps: Step[],
  declared: Record<string, ClientSpec>,
  casePath: Path,
): Set<string> {
  const seen = new Set<string>();
  const reported = new Set<string>();
  const walk = (list: Step[], opened: Set<string>): Set<string> => {
    for (const s of list) {
      if (s.action.kind === 'parallel') {
        const after = new Set(opened);
        for (const b of s.action.branches) for (const c of walk(b, new Set(opened))) after.add(c);
        for (const c of after) opened.add(c);
        continue;
      }
      if (s.action.kind === 'expectAmong') {
        for (const c of s.action.clients) {
          seen.add(c);
          if (opened.has(c) || reported.has(`${s.loc.line}:${c}`)) continue;
          reported.add(`${s.loc.line}:${c}`);
          ck.problems.push({
            file: s.loc.file,
            line: s.loc.line,
            column: s.loc.column,
            field: fieldOf([...(ck.stepPaths.get(s) ?? []), 'expectAmong', 'clients']),
            message: `client '${c}' is used (expectAmong) before it is opened in this branch`,
            hint: `add { client: ${c}, connect: {} } earlier`,
          });
        }
        continue;
      }
      if (s.client === undefined) continue;
      seen.add(s.client);
      if (s.action.kind === 'connect' || s.action.kind === 'open') opened.add(s.client);
      // A fault may be set up before the client's first connection (its proxy exists from the start).
      else if (s.action.kind === 'fault') continue;
      else if (!opened.has(s.client) && !reported.has(`${s.loc.line}:${s.client}`)) {
        reported.add(`${s.loc.line}:${s.client}`);
        ck.problems.push({
          file: s.loc.file,
          line: s.loc.line,
          column: s.loc.column,
          field: fieldOf([...(ck.stepPaths.get(s) ?? []), 'client']),
          message: `client '${s.client}' is used (${s.action.kind}) before it is opened in this branch`,
          hint: `add { client: ${s.client}, connect: {} } earlier, or before the parallel block`,
        });
      }
    }
    return opened;
  };
  walk(steps, new Set());
  // a declared client may exist only to have an id (`${client.x}` in a topic or will)
  const referenced = new Set(ck.refs.filter((r) => r.name.startsWith('client.')).map((r) => r.name.slice(7)));
  for (const name of Object.keys(declared)) {
    if (!seen.has(name) && !referenced.has(name))
      ck.problem(
        [...casePath, 'clients', name],
        `client '${name}' is declared but no step or \${client.${name}} uses it`,
        didYouMean(name, [...seen]),
        true,
      );
  }
  for (const name of Object.keys(declared)) seen.add(name);
  return seen;
}
