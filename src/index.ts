// The library API: drive the same Agent the CLI uses.
//   import { Agent, builtinTools, defineTool } from 'nanocode';
export { Agent, AgentBusyError, type AgentOptions, type AgentState, type Queue, type RunResult } from './agent/agent.ts';
export { builtinTools } from './agent/toolset.ts';
export type { AgentEvent, StopReason } from './protocol/events.ts';
export type { ContextPart, Message, Usage } from './protocol/messages.ts';
export type { BashDetails, DiffDetails, ToolDetails } from './protocol/details.ts';
export { defineTool, type Gate, type GateCall, type GateDecision, type JsonSchema, type Permission, type Tool, type ToolContext, type ToolResult } from './protocol/tool.ts';
export type { SessionChoice } from './session/sessions.ts';
