/**
 * Supabase's statement timeouts, which PGlite never fires: the page watches the requests the
 * emulator Worker is serving (its `http-request` and `http-response` trace events) and says
 * when one has run past its role's timeout, so that the page can restart the project.
 */
import type { TraceEvent } from '../emulator/index.ts'

/** Supabase's `statement_timeout` for the API roles that have one. */
export const STATEMENT_TIMEOUT_MS: Readonly<Record<string, number>> = {
  anon: 3_000,
  authenticated: 8_000,
}

// service_role (and any other role) has no statement timeout on Supabase, but a statement
// that never ends would hold the emulator Worker for good: the page then still restarts the
// project, after as long as the most patient role waits.
export const FALLBACK_TIMEOUT_MS = 8_000

// Not yet: a rule of their own for edge function requests, once the project serves them:
// Supabase limits a function's wall-clock time, not its statements, and a function may
// rightly wait longer than 3 s while the database is idle.

/** A request the emulator Worker has begun and not yet answered. */
export interface InFlightRequest {
  requestId: number
  method: string
  /** Path and query, as the trace shows it (`/rest/v1/rpc/spin?…`). */
  url: string
  role: string | null
  timeoutMs: number
  /** When the page heard of it (the watchdog's clock). */
  startedAt: number
}

/** The `role` claim of the request's bearer token, else of its `apikey`, as Supabase reads it. */
export function readRole(headers: Record<string, string>): string | null {
  const bearer = /^bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1]
  for (const token of [bearer, headers.apikey]) {
    const role = token ? readRoleClaim(token) : null
    if (role) return role
  }
  return null
}

/** How long a statement of `role` may run before the page gives up on the project. */
export function getStatementTimeout(role: string | null): number {
  return (role && STATEMENT_TIMEOUT_MS[role]) || FALLBACK_TIMEOUT_MS
}

// Only the claim is read, not verified: the emulator verifies the token, and a forged one
// at worst picks the longer limit.
function readRoleClaim(token: string): string | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/')
    const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')))
    return typeof claims?.role === 'string' ? claims.role : null
  } catch {
    return null
  }
}

/** The requests in flight, from the trace events the emulator Worker forwards. */
export interface RequestWatch {
  observe(event: TraceEvent, now: number): void
  /** Every request in flight, oldest first. */
  inFlight(): InFlightRequest[]
  /** The request in flight whose timeout comes first, or null when none is in flight. */
  firstToExpire(): InFlightRequest | null
  clear(): void
}

/** Keeps the requests the emulator Worker has begun and not yet answered. */
export function createRequestWatch(): RequestWatch {
  const requests = new Map<number, InFlightRequest>()
  const deadline = ({ startedAt, timeoutMs }: InFlightRequest) => startedAt + timeoutMs

  return {
    observe(event, now) {
      if (event.type === 'http-response') return void requests.delete(event.requestId)
      if (event.type !== 'http-request') return
      const { requestId, method, url, headers } = event
      const role = readRole(headers)
      const timeoutMs = getStatementTimeout(role)
      requests.set(requestId, { requestId, method, url, role, timeoutMs, startedAt: now })
    },
    inFlight: () => [...requests.values()],
    firstToExpire() {
      let first: InFlightRequest | null = null
      for (const request of requests.values()) {
        if (!first || deadline(request) < deadline(first)) first = request
      }
      return first
    },
    clear: () => requests.clear(),
  }
}

export interface Clock {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(timer: unknown): void
}

const PAGE_CLOCK: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
}

export interface Watchdog {
  observe(event: TraceEvent): void
  /** Some request is in flight on the project. */
  isWatching(): boolean
  /** Forgets every request: the Worker that was serving them is gone. */
  clear(): void
}

/**
 * Calls `onTimeout` once a request has been in flight longer than its role's statement
 * timeout, with that request and every other one in flight, and then forgets them all.
 */
export function createWatchdog(
  onTimeout: (timedOut: InFlightRequest, inFlight: InFlightRequest[]) => void,
  clock: Clock = PAGE_CLOCK,
): Watchdog {
  const watch = createRequestWatch()
  let timer: unknown = null

  // One timer, for the request that expires first; every event may change which one that is.
  function schedule(): void {
    if (timer !== null) clock.clearTimeout(timer)
    timer = null
    const first = watch.firstToExpire()
    if (!first) return
    const wait = first.startedAt + first.timeoutMs - clock.now()
    timer = clock.setTimeout(check, Math.max(0, wait))
  }

  function check(): void {
    timer = null
    const first = watch.firstToExpire()
    if (!first) return
    if (clock.now() < first.startedAt + first.timeoutMs) return schedule()
    const inFlight = watch.inFlight()
    watch.clear()
    onTimeout(first, inFlight)
  }

  return {
    observe(event) {
      if (event.type !== 'http-request' && event.type !== 'http-response') return
      watch.observe(event, clock.now())
      schedule()
    },
    clear() {
      watch.clear()
      schedule()
    },
    isWatching: () => watch.firstToExpire() !== null,
  }
}
