import { describe, expect, test } from 'vitest'
import type { TraceEvent } from '../../src/emulator/index.ts'
import { describeRestart } from '../../src/runner/restart.ts'
import { addTraceEvent, createRun } from '../../src/runner/timeline.ts'
import {
  createWatchdog,
  getStatementTimeout,
  readRole,
  type Clock,
  type InFlightRequest,
} from '../../src/runner/watchdog.ts'

/** An unsigned JWT with these claims: the watchdog reads the role, it does not verify. */
function token(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`
}

const ANON_KEY = token({ role: 'anon', iss: 'supabase-demo' })
const USER_TOKEN = token({ role: 'authenticated', sub: '6f1c', email: 'ana@example.com' })
const SERVICE_KEY = token({ role: 'service_role' })

const request = (requestId: number, bearer: string, url = '/rest/v1/rpc/busy_for') =>
  ({
    type: 'http-request',
    requestId,
    method: 'POST',
    url,
    headers: { apikey: ANON_KEY, authorization: `Bearer ${bearer}` },
    body: null,
  }) satisfies TraceEvent
const response = (requestId: number) =>
  ({
    type: 'http-response',
    requestId,
    status: 200,
    statusText: 'OK',
    headers: {},
    body: null,
    durationMs: 1,
  }) satisfies TraceEvent

/** A clock the test moves by hand, with the timers due by then run in order. */
function createManualClock() {
  let now = 0
  let lastId = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  const clock: Clock = {
    now: () => now,
    setTimeout(callback, ms) {
      lastId += 1
      timers.set(lastId, { at: now + ms, callback })
      return lastId
    },
    clearTimeout: (id) => void timers.delete(id as number),
  }
  function advanceTo(time: number): void {
    for (;;) {
      const due = [...timers].filter(([, { at }]) => at <= time).sort((a, b) => a[1].at - b[1].at)
      if (due.length === 0) break
      const [id, { at, callback }] = due[0]
      timers.delete(id)
      now = at
      callback()
    }
    now = time
  }
  return { clock, advanceTo }
}

function watch() {
  const { clock, advanceTo } = createManualClock()
  const timeouts: { timedOut: InFlightRequest; inFlight: InFlightRequest[]; at: number }[] = []
  const watchdog = createWatchdog(
    (timedOut, inFlight) => timeouts.push({ timedOut, inFlight, at: clock.now() }),
    clock,
  )
  return { watchdog, timeouts, advanceTo }
}

describe('readRole', () => {
  test('reads the role claim of the bearer token', () => {
    const headers = { apikey: ANON_KEY, authorization: `Bearer ${USER_TOKEN}` }
    expect(readRole(headers)).toBe('authenticated')
  })

  test('falls back to the apikey when there is no bearer token', () => {
    expect(readRole({ apikey: SERVICE_KEY })).toBe('service_role')
  })

  test('is null for a token that is not a JWT', () => {
    expect(readRole({ authorization: 'Bearer not-a-token' })).toBeNull()
    expect(readRole({})).toBeNull()
  })
})

describe('getStatementTimeout', () => {
  test('is 3 s for anon and 8 s for authenticated, as on Supabase', () => {
    expect(getStatementTimeout('anon')).toBe(3_000)
    expect(getStatementTimeout('authenticated')).toBe(8_000)
  })

  test('falls back to 8 s for service_role, which has none, and for no role', () => {
    expect(getStatementTimeout('service_role')).toBe(8_000)
    expect(getStatementTimeout(null)).toBe(8_000)
  })
})

describe('createWatchdog', () => {
  test('fires when an anon request is still in flight after 3 s, not before', () => {
    const { watchdog, timeouts, advanceTo } = watch()
    watchdog.observe(request(1, ANON_KEY))
    advanceTo(2_999)
    expect(timeouts).toEqual([])
    advanceTo(3_000)
    expect(timeouts).toHaveLength(1)
    expect(timeouts[0]).toMatchObject({ at: 3_000, timedOut: { requestId: 1, role: 'anon' } })
  })

  test('never fires for a request answered in time', () => {
    const { watchdog, timeouts, advanceTo } = watch()
    watchdog.observe(request(1, ANON_KEY))
    advanceTo(2_500)
    watchdog.observe(response(1))
    advanceTo(60_000)
    expect(timeouts).toEqual([])
  })

  test('picks the request whose timeout comes first and hands over every one in flight', () => {
    const { watchdog, timeouts, advanceTo } = watch()
    // The user's request started first but may run 8 s; the anon one's 3 s end sooner.
    watchdog.observe(request(1, USER_TOKEN))
    advanceTo(1_000)
    watchdog.observe(request(2, ANON_KEY, '/rest/v1/countries?select=*'))
    advanceTo(10_000)
    expect(timeouts).toHaveLength(1)
    expect(timeouts[0].at).toBe(4_000)
    expect(timeouts[0].timedOut.requestId).toBe(2)
    expect(timeouts[0].inFlight.map(({ requestId }) => requestId)).toEqual([1, 2])
  })

  test('gives a service_role request 8 s', () => {
    const { watchdog, timeouts, advanceTo } = watch()
    watchdog.observe(request(1, SERVICE_KEY))
    advanceTo(7_999)
    expect(timeouts).toEqual([])
    advanceTo(8_000)
    expect(timeouts[0].timedOut.role).toBe('service_role')
  })

  test('tells whether a request is in flight, for the Run-limit message', () => {
    const { watchdog } = watch()
    expect(watchdog.isWatching()).toBe(false)
    watchdog.observe(request(1, ANON_KEY))
    expect(watchdog.isWatching()).toBe(true)
    watchdog.observe(response(1))
    expect(watchdog.isWatching()).toBe(false)
  })

  test('forgets the requests of a Worker that was cleared', () => {
    const { watchdog, timeouts, advanceTo } = watch()
    watchdog.observe(request(1, ANON_KEY))
    watchdog.clear()
    advanceTo(10_000)
    expect(timeouts).toEqual([])
  })
})

describe('restart answers', () => {
  test.todo('a timed-out auth or storage request is answered in GoTrue’s or storage’s error shape')
})

describe('describeRestart', () => {
  const inFlight = (requestId: number, url: string): InFlightRequest => ({
    requestId,
    method: 'POST',
    url,
    role: 'anon',
    timeoutMs: 3_000,
    startedAt: 100,
  })

  test('answers the timed-out request with 57014 and the other with a 503, then says why', () => {
    let run = createRun('running')
    run = addTraceEvent(run, request(1, ANON_KEY))
    run = addTraceEvent(run, request(2, ANON_KEY, '/rest/v1/countries'))
    const timedOut = inFlight(1, '/rest/v1/rpc/busy_for')
    const restart = { role: 'anon', timeoutMs: 3_000 }
    const others = [timedOut, inFlight(2, '/rest/v1/countries'), inFlight(9, '/auth/v1/user')]

    const next = describeRestart(run, { timedOut, inFlight: others, restart, now: 3_100 })

    const [first, second] = next.requests
    expect(first.response?.status).toBe(500)
    expect(JSON.parse(first.response?.body ?? '')).toEqual({
      code: '57014',
      details: null,
      hint: null,
      message: 'canceling statement due to statement timeout',
    })
    expect(first.response?.durationMs).toBe(3_000)
    expect(second.response?.status).toBe(503)
    // Request 9 was not this Run's: no entry appears for it.
    expect(next.requests).toHaveLength(2)
    expect(next.console).toEqual([{ kind: 'project-restarted', role: 'anon', timeoutMs: 3_000 }])
  })
})
