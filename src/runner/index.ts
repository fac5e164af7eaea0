export { createRunner, RUN_TIME_LIMIT_MS } from './runner.ts'
export type { Runner } from './runner.ts'
export type { RunnerState, BootState, BootPhase, InboxMessage } from './runner-state.ts'
export type { ProjectRestart } from './restart.ts'
export type { Run, RunStatus, RequestEntry, ConsoleLine, SqlEvent } from './timeline.ts'
export type {
  Logged,
  SerializedError,
  BootStep,
  ConsentAnswer,
  ConsentScreen,
} from './protocol.ts'
