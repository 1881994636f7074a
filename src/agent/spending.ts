// Tokens and cost summed over requests, each priced at the model that served
// it: switching models mid-session never re-prices what was already spent.
import { costOf, type ModelInfo } from '../model/catalog.ts';
import type { AgentEvent } from '../protocol/events.ts';
import { addUsage, emptyUsage, type Usage } from '../protocol/messages.ts';

export type UsageEvent = Extract<AgentEvent, { type: 'usage' }>;

export function usageEvent(purpose: UsageEvent['purpose'], model: string, info: ModelInfo, usage: Usage): UsageEvent {
  return { type: 'usage', purpose, model, usage, cost: costOf(usage, info) };
}

export class Spending {
  usage: Usage = emptyUsage();
  /** USD over the requests whose model has a known price; undefined while there is none. */
  cost: number | undefined;

  /** Counts a request; returns its event. */
  add(e: UsageEvent): UsageEvent {
    this.usage = addUsage(this.usage, e.usage);
    if (e.cost !== undefined) this.cost = (this.cost ?? 0) + e.cost;
    return e;
  }
}
