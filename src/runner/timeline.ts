/**
 * What one Run produced, as the panes show it: one entry per HTTP request (its request,
 * the SQL it ran and its response, grouped by `requestId`) and the Console's lines.
 * Pure functions that return new objects, so React sees every change.
 */
import type { TraceEvent } from '../emulator/index.ts'
import type { CompileProblem, ConsoleLevel, Logged, SerializedError } from './protocol.ts'

type EventOf<Type extends TraceEvent['type']> = Extract<TraceEvent, { type: Type }>

export type RequestEvent = EventOf<'http-request'>
export type SqlEvent = EventOf<'sql'>
export type ResponseEvent = EventOf<'http-response'>
export type NotYetEvent = EventOf<'not-yet'>

/** Everything traced for one HTTP request. */
export interface RequestEntry {
  requestId: number
  request: RequestEvent | null
  sql: SqlEvent[]
  response: ResponseEvent | null
  notYet: NotYetEvent[]
  /** Events the panes have no place for yet (emails, SMS), listed as they came. */
  other: TraceEvent[]
}

export type ConsoleLine =
  | { kind: 'log'; level: ConsoleLevel; args: Logged[] }
  | { kind: 'uncaught'; error: SerializedError }
  | { kind: 'compile-error'; problems: CompileProblem[] }
  /** `isProjectBusy`: a request the Run sent was still being served by the project. */
  | { kind: 'stopped'; seconds: number; isProjectBusy?: boolean }
  | { kind: 'emulator-error'; message: string }
  /** A statement of `role` ran past its timeout, so the project restarted from its snapshot. */
  | { kind: 'project-restarted'; role: string | null; timeoutMs: number }

export type RunStatus = 'idle' | 'compiling' | 'running' | 'done' | 'failed' | 'stopped'

export interface Run {
  status: RunStatus
  requests: RequestEntry[]
  console: ConsoleLine[]
  /** From pressing Run to the end of the Run, once it ended. */
  durationMs: number | null
}

/** A Run with nothing in it yet. */
export function createRun(status: RunStatus = 'idle'): Run {
  return { status, requests: [], console: [], durationMs: null }
}

/** Files a trace event under its request, creating the entry on first sight. */
export function addTraceEvent(run: Run, event: TraceEvent): Run {
  const index = run.requests.findIndex(({ requestId }) => requestId === event.requestId)
  const entry = index >= 0 ? run.requests[index] : createEntry(event.requestId)
  const updated = fileEvent(entry, event)
  const requests =
    index >= 0
      ? run.requests.map((existing, i) => (i === index ? updated : existing))
      : [...run.requests, updated]
  return { ...run, requests }
}

function createEntry(requestId: number): RequestEntry {
  return { requestId, request: null, sql: [], response: null, notYet: [], other: [] }
}

function fileEvent(entry: RequestEntry, event: TraceEvent): RequestEntry {
  switch (event.type) {
    case 'http-request':
      return { ...entry, request: event }
    case 'sql':
      return { ...entry, sql: [...entry.sql, event] }
    case 'http-response':
      return { ...entry, response: event }
    case 'not-yet':
      return { ...entry, notYet: [...entry.notYet, event] }
    default:
      return { ...entry, other: [...entry.other, event] }
  }
}

/** How many logged lines one Run shows; drawing thousands would freeze the page. */
export const MAX_CONSOLE_LOGS = 500

/** Appends a Console line; logs past the limit are dropped, after one line that says so. */
export function addConsoleLine(run: Run, line: ConsoleLine): Run {
  if (line.kind === 'log') {
    const logCount = run.console.filter((item) => item.kind === 'log').length
    if (logCount > MAX_CONSOLE_LOGS) return run
    if (logCount === MAX_CONSOLE_LOGS) {
      const value = `Only the first ${MAX_CONSOLE_LOGS} console lines of a Run are shown.`
      line = { kind: 'log', level: 'warn', args: [{ kind: 'string', value }] }
    }
  }
  return { ...run, console: [...run.console, line] }
}

/** Marks the Run as ended; the first ending wins, later ones are ignored. */
export function endRun(run: Run, status: RunStatus, durationMs: number): Run {
  if (run.status !== 'compiling' && run.status !== 'running') return run
  return { ...run, status, durationMs }
}
