// Type-checked against the shipped declarations (dist/types), as a user's
// project would (test/library/types.test.ts): `args` comes from the zod
// schema, and every @ts-expect-error below must be an error.
import { Agent, type AgentEvent, builtinTools, defineTool, type RunResult, type Tool } from 'nanocode';
import { z } from 'zod';

const lookup = defineTool({
  name: 'lookup',
  description: 'Look a key up.',
  parameters: z.object({ key: z.string(), limit: z.number().optional() }),
  permission: 'read',
  async execute({ key, limit }) {
    const k: string = key;
    const l: number | undefined = limit;
    // @ts-expect-error `key` is a string, not a number
    const wrong: number = key;
    return { content: `${k} ${l} ${wrong}` };
  },
});

export async function use(): Promise<RunResult> {
  const tools: Tool[] = [...builtinTools, lookup];
  const agent = await Agent.create({ tools: [...tools, 'read'], session: { continue: true }, commandLog: false });
  // @ts-expect-error a session option is one of the documented shapes
  await Agent.create({ session: { resume: 42 } });
  for await (const e of agent.stream('hi')) {
    const event: AgentEvent = e;
    if (event.type === 'text_delta') console.log(event.text.length);
  }
  agent.steer('a');
  agent.followUp('b');
  const q: readonly string[] = agent.queue.followUp;
  console.log(q, agent.state().running);
  const result = await agent.run('go');
  // @ts-expect-error the answer is a string
  const n: number = result.text;
  console.log(n);
  await agent.close();
  return result;
}
