// Agent processes for tests live beside the agent (src/agent/agent-process.ts) because
// the agent benchmark, which is compiled, spawns them too; tests may import them here.
export { type AgentProcess, startAgentProcess, waitFor } from "../agent/agent-process.js";
