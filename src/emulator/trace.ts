/**
 * The emulator's single observation stream, modelled on PostgREST's `Observation`: every
 * notable event is one member of `TraceEvent`, sent to whoever subscribed. The emulator
 * never logs to the console; the page and the tests read these events instead.
 */

export type Headers = Record<string, string>

export type TraceEvent =
  | {
      type: 'http-request'
      requestId: number
      method: string
      url: string
      headers: Headers
      body: string | null
    }
  | {
      type: 'sql'
      requestId: number
      sql: string
      params: unknown[]
      rowCount: number
      durationMs: number
      error?: { code?: string; message: string }
    }
  | {
      type: 'http-response'
      requestId: number
      status: number
      statusText: string
      headers: Headers
      body: string | null
      durationMs: number
    }
  | { type: 'not-yet'; requestId: number; feature: string; message: string }
  | {
      type: 'email'
      requestId: number
      to: string
      subject: string
      kind: string
      text: string
      link?: string
      code?: string
    }
  | { type: 'sms'; requestId: number; to: string; text: string; code?: string; kind?: string }

export type TraceListener = (event: TraceEvent) => void

export interface Tracer {
  emit(event: TraceEvent): void
  subscribe(listener: TraceListener): () => void
  nextRequestId(): number
}

/** Creates a tracer whose listeners each get every event, in order. */
export function createTracer(): Tracer {
  const listeners = new Set<TraceListener>()
  let lastRequestId = 0

  return {
    emit(event) {
      for (const listener of listeners) listener(event)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    nextRequestId() {
      lastRequestId += 1
      return lastRequestId
    },
  }
}
