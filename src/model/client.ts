// The one door through which an Agent calls its model: the conversation's
// turns, the compaction summaries and side questions (later sub-agents and
// llm_query). Retries, timeouts and redaction happen below, in streamStep;
// here every request is counted, by purpose and by model, each priced at the
// model that served it, and a summary's words are kept from the user.
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { RetryConfig } from '../config/config.ts';
import type { ModelChoice } from '../config/providers.ts';
import type { AgentEvent } from '../protocol/events.ts';
import { addUsage, emptyUsage, type Usage } from '../protocol/messages.ts';
import { costOf, modelInfo, type ModelInfo } from './catalog.ts';
import { createModel } from './resolve.ts';
import { type StepRequest, type StepResult, streamStep } from './stream.ts';

type UsageEvent = Extract<AgentEvent, { type: 'usage' }>;
/** What a request is for: a turn of the conversation, a compaction summary, a side question (/btw). */
export type Purpose = UsageEvent['purpose'];
export type ModelRequest = Omit<StepRequest, 'model' | 'retry'>;

/** From the configuration: retries and timeouts, the redactor, a context window override. */
export interface ClientSettings {
  retry: RetryConfig;
  redact: (text: string) => string;
  contextWindow?: number;
}

export interface Spent {
  usage: Usage;
  /** USD over the requests whose model has a known price; undefined while there is none. */
  cost: number | undefined;
}

export interface Totals extends Spent {
  byModel: Record<string, Spent>;
  byPurpose: Partial<Record<Purpose, Spent>>;
}

/** Tokens and cost summed over requests, each already priced at the model that served it. */
export class Spending implements Spent {
  usage: Usage = emptyUsage();
  cost: number | undefined;

  add(e: UsageEvent): void {
    this.usage = addUsage(this.usage, e.usage);
    if (e.cost !== undefined) this.cost = (this.cost ?? 0) + e.cost;
  }
}

interface Current {
  choice: ModelChoice;
  model: LanguageModelV4;
  info: ModelInfo;
}

export class ModelClient {
  private current: Current;
  private readonly settings: ClientSettings;
  private readonly total = new Spending();
  private readonly byModel = new Map<string, Spending>();
  private readonly byPurpose = new Map<Purpose, Spending>();

  private constructor(current: Current, settings: ClientSettings) {
    this.current = current;
    this.settings = settings;
  }

  static async create(choice: ModelChoice, settings: ClientSettings): Promise<ModelClient> {
    return new ModelClient(await resolve(choice, settings), settings);
  }

  get choice(): ModelChoice {
    return this.current.choice;
  }

  get info(): ModelInfo {
    return this.current.info;
  }

  /** Switches to another model of the same provider; what was spent stays priced at the old one. */
  async setModel(id: string): Promise<void> {
    this.current = await resolve({ ...this.current.choice, model: id }, this.settings);
  }

  /**
   * One model step. Its deltas and retry notices stream out as they happen;
   * only a turn's or a side question's words reach the user: of a summary,
   * they see its retries and its usage.
   * Ends with the step's usage event, counted here and in `tally` (one
   * prompt's spending) when given.
   */
  async *stream(purpose: Purpose, req: ModelRequest, tally?: Spending): AsyncGenerator<AgentEvent, StepResult> {
    // Captured now: a model switch meanwhile does not re-price this request.
    const { choice, model, info } = this.current;
    const steps = streamStep({ ...req, model, retry: this.settings.retry });
    const step = purpose === 'turn' || purpose === 'aside' ? yield* steps : yield* quietly(steps);
    const event: UsageEvent = { type: 'usage', purpose, model: choice.model, usage: step.usage, cost: costOf(step.usage, info) };
    for (const s of [this.total, at(this.byModel, choice.model), at(this.byPurpose, purpose), tally]) s?.add(event);
    yield event;
    return step;
  }

  /** Everything spent through this client: in all, per model and per purpose. */
  totals(): Totals {
    const spent = ({ usage, cost }: Spending): Spent => ({ usage, cost });
    return {
      ...spent(this.total),
      byModel: Object.fromEntries([...this.byModel].map(([k, s]) => [k, spent(s)])),
      byPurpose: Object.fromEntries([...this.byPurpose].map(([k, s]) => [k, spent(s)])),
    };
  }
}

async function resolve(choice: ModelChoice, s: ClientSettings): Promise<Current> {
  return { choice, model: await createModel(choice, s.redact), info: modelInfo(choice.model, s.contextWindow) };
}

function at<K>(map: Map<K, Spending>, key: K): Spending {
  let s = map.get(key);
  if (!s) map.set(key, (s = new Spending()));
  return s;
}

/** A step whose text is not for the user: only its retry notices pass. */
async function* quietly(steps: AsyncGenerator<AgentEvent, StepResult>): AsyncGenerator<AgentEvent, StepResult> {
  try {
    for (;;) {
      const next = await steps.next();
      if (next.done) return next.value;
      if (next.value.type === 'retry') yield next.value;
    }
  } finally {
    await steps.return(undefined as never);
  }
}
