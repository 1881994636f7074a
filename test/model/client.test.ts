// The one model client, through the built library (dist/index.js): every
// request an Agent makes is counted by purpose (turn, summary, side question)
// and by model, each priced at the model that served it.
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/index.ts';
import { workspace } from '../support/scenario.ts';
import { type ScriptedServer, startScriptedServer } from '../support/scripted-server.ts';

const DIST = resolve(import.meta.dirname, '../../dist/index.js');
const { Agent } = (await import(DIST)) as typeof import('../../src/index.ts');

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const isSummaryRequest = (body: any) => typeof body?.messages?.[0]?.content === 'string' && body.messages[0].content.startsWith('You summarise');
const summaries = { respond: (b: any) => (isSummaryRequest(b) ? { text: '## Goal\n- the summary', usage: { input: 40_000, output: 2_000 } } : undefined) };

async function agentOn(s: ScriptedServer, model: string) {
  const ws = workspace();
  // Compaction only when asked (/compact), and then of all but the latest exchange.
  const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: s.openaiBaseURL, NANOCODE_HOME: ws.home, NANOCODE_COMPACTION: '0', NANOCODE_COMPACTION_KEEP_RECENT_TOKENS: '10' };
  return Agent.create({ model, cwd: ws.cwd, env, home: ws.home, gitContext: false });
}

async function collect(events: AsyncGenerator<AgentEvent>): Promise<AgentEvent[]> {
  const all: AgentEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
}
const usageOf = (events: AgentEvent[]) => events.flatMap((e) => (e.type === 'usage' ? [e] : []));

describe('the model client', () => {
  it("counts a side question's usage with purpose 'aside', apart from the turns", async () => {
    server = await startScriptedServer([
      { text: 'Main answer.', usage: { input: 1000, output: 10 } },
      { text: 'Aside answer.', usage: { input: 50_000, output: 500 } },
    ]);
    const agent = await agentOn(server, 'scripted-model');
    expect(usageOf(await collect(agent.prompt('main question')))).toMatchObject([{ purpose: 'turn', model: 'scripted-model' }]);
    const aside = await collect(agent.aside('a side question'));
    expect(aside.filter((e) => e.type === 'text_delta').map((e) => (e as { text: string }).text).join('')).toBe('Aside answer.');
    expect(usageOf(aside)).toMatchObject([{ purpose: 'aside', model: 'scripted-model', usage: { input: 50_000, output: 500 } }]);

    const totals = agent.client.totals();
    expect(totals.byPurpose.turn?.usage).toMatchObject({ input: 1000, output: 10 });
    expect(totals.byPurpose.aside?.usage).toMatchObject({ input: 50_000, output: 500 });
    expect(totals.byPurpose.summary).toBeUndefined();
    expect(agent.usage).toMatchObject({ input: 51_000, output: 510 });
    // Asides are not part of the conversation.
    expect(agent.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('after a model switch, each model is charged its own usage at its own price', async () => {
    const million = { input: 1_000_000, output: 0 };
    server = await startScriptedServer([{ text: 'First answer.', usage: million }, { text: 'Second answer.', usage: million }], { ...summaries, models: ['gpt-4o-mini', 'gpt-4o'] });
    const agent = await agentOn(server, 'gpt-4o-mini');
    await collect(agent.prompt('first'));
    await agent.setModel('gpt-4o');
    expect(agent.cost).toBeCloseTo(0.15, 10); // what was spent stays at gpt-4o-mini's price
    await collect(agent.prompt('second'));
    const compaction = await collect(agent.compact());
    expect(usageOf(compaction)).toMatchObject([{ purpose: 'summary', model: 'gpt-4o', usage: { input: 40_000, output: 2_000 } }]);
    expect(compaction.some((e) => e.type === 'text_delta' || e.type === 'reasoning_delta')).toBe(false);

    const { byModel, byPurpose, cost } = agent.client.totals();
    const summaryCost = (40_000 * 2.5 + 2_000 * 10) / 1e6;
    expect(Object.keys(byModel).sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(byModel['gpt-4o-mini'].cost).toBeCloseTo(0.15, 10);
    expect(byModel['gpt-4o'].cost).toBeCloseTo(2.5 + summaryCost, 10);
    expect(byModel['gpt-4o'].usage).toMatchObject({ input: 1_040_000, output: 2_000 });
    expect(byPurpose.turn?.cost).toBeCloseTo(2.65, 10);
    expect(byPurpose.summary?.cost).toBeCloseTo(summaryCost, 10);
    // Re-pricing everything at gpt-4o would give $5.10.
    expect(cost).toBeCloseTo(2.65 + summaryCost, 10);
    expect(agent.cost).toBe(cost);
    expect(server.turnRequests().map((q) => q.body.model)).toEqual(['gpt-4o-mini', 'gpt-4o', 'gpt-4o']);
  });
});
