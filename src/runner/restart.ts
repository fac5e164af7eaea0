/**
 * What the panes show of a project the watchdog restarted: the answers the requests in
 * flight got instead of the old Worker's, and a Console line that says what happened.
 */
import { createRestartedAnswer, createTimeoutAnswer, type WireAnswer } from './restart-answers.ts'
import { addConsoleLine, addTraceEvent, type ResponseEvent, type Run } from './timeline.ts'
import type { InFlightRequest } from './watchdog.ts'

/** Why the project was restarted: a statement of `role` outlived `timeoutMs`. */
export interface ProjectRestart {
  role: string | null
  timeoutMs: number
}

interface RestartFacts {
  timedOut: InFlightRequest
  inFlight: InFlightRequest[]
  restart: ProjectRestart
  /** The watchdog's clock, for the responses' durations. */
  now: number
}

/** Files the answers of the Run's requests in flight and the restart's Console line. */
export function describeRestart(run: Run, { timedOut, inFlight, restart, now }: RestartFacts): Run {
  let next = run
  for (const request of inFlight) {
    // Requests of an earlier Run, or of a spare worker's preparation, are not in the panes.
    if (!run.requests.some(({ requestId }) => requestId === request.requestId)) continue
    const isTimedOut = request.requestId === timedOut.requestId
    const answer = isTimedOut ? createTimeoutAnswer() : createRestartedAnswer()
    next = addTraceEvent(next, toResponseEvent(request, answer, now))
  }
  return addConsoleLine(next, { kind: 'project-restarted', ...restart })
}

function toResponseEvent(
  { requestId, startedAt }: InFlightRequest,
  { status, statusText, headers, body }: WireAnswer,
  now: number,
): ResponseEvent {
  return {
    type: 'http-response',
    requestId,
    status,
    statusText,
    headers: Object.fromEntries(headers),
    body,
    durationMs: now - startedAt,
  }
}
