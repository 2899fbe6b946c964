/**
 * Enumerates every way replicas can answer, for the exhaustive quorum-core tables: each replica
 * takes one of `states` (a state of undefined means "never answers"), and the answering replicas
 * answer in every possible order. Test-only.
 */
export interface Scenario<S> {
  /** Answers in arrival order. */
  readonly events: ReadonlyArray<{ readonly nodeId: string; readonly state: S }>;
  /** Replicas that never answer. */
  readonly silent: readonly string[];
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([item, ...rest]);
  });
  return out;
}

export function* scenarios<S>(replicas: readonly string[], states: ReadonlyArray<S | undefined>): Generator<Scenario<S>> {
  const total = states.length ** replicas.length;
  for (let code = 0; code < total; code++) {
    let c = code;
    const answering: Array<{ nodeId: string; state: S }> = [];
    const silent: string[] = [];
    for (const nodeId of replicas) {
      const state = states[c % states.length];
      c = Math.floor(c / states.length);
      if (state === undefined) silent.push(nodeId);
      else answering.push({ nodeId, state });
    }
    for (const events of permutations(answering)) yield { events, silent };
  }
}
