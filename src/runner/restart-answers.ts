/**
 * What the requests of a project the watchdog restarted are answered with, on the wire: the
 * one that ran past its statement timeout gets PostgREST's answer to Postgres's 57014 (its
 * status table maps 57* to 500); the others, which never ran, get a 503 of the emulator's own.
 */

/** An HTTP answer in the shape both the bridge and the trace need. */
export interface WireAnswer {
  status: number
  statusText: string
  headers: [string, string][]
  body: string
}

const JSON_HEADERS: [string, string][] = [['content-type', 'application/json; charset=utf-8']]

/** The 503's code for requests the restart dropped: the emulator's own (SBX…), not Supabase's. */
export const RESTARTED_CODE = 'SBX50'

// Not yet: GoTrue's and storage's own shapes for a timed-out auth or storage request; every
// request is answered in PostgREST's. It can go when those services' statement timeouts are
// looked up and the watchdog knows which service a request went to.

/** PostgREST's answer when Postgres cancels a statement at `statement_timeout`. */
export function createTimeoutAnswer(): WireAnswer {
  const error = {
    code: '57014',
    details: null,
    hint: null,
    message: 'canceling statement due to statement timeout',
  }
  const body = JSON.stringify(error)
  return { status: 500, statusText: 'Internal Server Error', headers: JSON_HEADERS, body }
}

/** The answer for a request that was waiting on, or sent to, the project being restarted. */
// postgrest-js retries a GET answered with 503 after 1, 2 and 4 s unless Retry-After says
// otherwise. The Run's bridge cannot reach the fresh project, so each retry would get this
// same answer, only after the Run's time limit: Retry-After 0 lets it give up at once.
export function createRestartedAnswer(): WireAnswer {
  const error = {
    code: RESTARTED_CODE,
    details:
      'Another statement ran past the statement timeout, so the in-page project was restarted ' +
      'from the lesson’s data. This request was not run.',
    hint: 'Run the code again.',
    message: 'The in-page project is restarting',
  }
  const body = JSON.stringify(error)
  const headers: [string, string][] = [...JSON_HEADERS, ['retry-after', '0']]
  return { status: 503, statusText: 'Service Unavailable', headers, body }
}
