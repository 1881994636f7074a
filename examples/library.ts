// nanocode as a library: a tool of your own, a run to the end, a streamed
// run, a steered run, and stopping early. Run it in a project folder:
//   ANTHROPIC_API_KEY=... node examples/library.ts
import { Agent, builtinTools, defineTool } from 'nanocode';
import { z } from 'zod';

// A tool of your own. Its zod parameters check what the model sends and
// give `execute` its argument types (`text` is a string).
const wordCount = defineTool({
  name: 'word_count',
  description: 'Count the words in a text.',
  parameters: z.object({ text: z.string().describe('The text to count') }),
  permission: 'read',
  async execute({ text }) {
    return { content: `${text.split(/\s+/).filter(Boolean).length} words` };
  },
});

const agent = await Agent.create({ cwd: process.cwd(), tools: [...builtinTools, wordCount] });
try {
  // 1. A run to the end: the answer, and what it took.
  const { text, usage } = await agent.run('How many words are in "the quick brown fox"?');
  console.log(`answer: ${text} (${usage.input} tokens in, ${usage.output} out)`);

  // 2. A streamed run: every event as it happens.
  for await (const e of agent.stream('What files are in this folder?')) {
    if (e.type === 'tool_call') console.log(`tool: ${e.name} ${JSON.stringify(e.args)}`);
    if (e.type === 'done') console.log(`answer: ${e.text}`);
  }

  // 3. A steered run: a word from you, delivered before the model's next step.
  for await (const e of agent.stream('Run the tests.')) {
    if (e.type === 'tool_call') agent.steer('Use vitest, not jest.');
    if (e.type === 'done') console.log(`answer: ${e.text}`);
  }

  // 4. Stopping early: leaving the loop (break, return, a throw) stops the
  //    request and every running tool.
  for await (const e of agent.stream('Start the dev server.')) {
    if (e.type === 'tool_output') {
      console.log(`output: ${e.chunk.trim()}; stopping`);
      break;
    }
  }
} finally {
  // Ends the shell and everything the agent started.
  await agent.close();
}
