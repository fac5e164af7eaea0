/**
 * The only network a user Worker has: a `fetch` that carries each request over a
 * MessagePort to the emulator Worker and rebuilds the `Response` it answers with.
 */
import type { BridgeRequest, BridgeResponse } from './protocol.ts'
import { createRestartedAnswer, createTimeoutAnswer, type WireAnswer } from './restart-answers.ts'

// Statuses whose Response must be built without a body.
const NULL_BODY_STATUSES = [101, 204, 205, 304]

export interface Bridge {
  fetch: typeof fetch
  /** How many fetches are waiting for an answer; a Run is not over while some are. */
  inFlight(): number
  /**
   * The project behind the port was restarted: answers the request that ran past its
   * statement timeout (`timedOut`, as the trace names it) with 57014, every other one waiting
   * or sent from now on with a 503.
   */
  abandon(timedOut: { method: string; url: string } | null): void
}

interface Pending {
  method: string
  url: string
  resolve(answer: BridgeResponse): void
}

/** Creates a fetch that talks to the emulator Worker through `port`. */
export function createBridgeFetch(port: MessagePort, onSettled: () => void): Bridge {
  const pending = new Map<number, Pending>()
  let lastId = 0
  let isAbandoned = false

  port.onmessage = ({ data }: MessageEvent<BridgeResponse>) => {
    pending.get(data.id)?.resolve(data)
    pending.delete(data.id)
    onSettled()
  }

  async function bridgeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init)
    // Not yet: aborting a request that is already in flight; the signal is checked once.
    if (request.signal.aborted) throw new DOMException('The request was aborted', 'AbortError')

    const hasBody = !['GET', 'HEAD'].includes(request.method)
    const body = hasBody ? await request.arrayBuffer() : null
    lastId += 1
    const message: BridgeRequest = {
      type: 'fetch-request',
      id: lastId,
      method: request.method,
      url: request.url,
      headers: [...request.headers],
      body: body && body.byteLength > 0 ? body : null,
    }

    const answer = await new Promise<BridgeResponse>((resolve) => {
      // The project's Worker is gone: nothing would ever answer.
      if (isAbandoned) return resolve(toBridgeResponse(message.id, createRestartedAnswer()))
      pending.set(message.id, { method: message.method, url: message.url, resolve })
      port.postMessage(message, message.body ? [message.body] : [])
    })
    if (answer.type === 'fetch-error') {
      throw Object.assign(new TypeError(answer.error.message), { cause: answer.error })
    }

    const { status, statusText, headers } = answer
    const responseBody = NULL_BODY_STATUSES.includes(status) ? null : answer.body
    return new Response(responseBody, { status, statusText, headers })
  }

  function abandon(timedOut: { method: string; url: string } | null): void {
    isAbandoned = true
    port.close()
    // The trace names the request by method and path; two identical requests are
    // interchangeable, so the first one waiting is taken.
    const culprit = [...pending].find(
      ([, { method, url }]) => method === timedOut?.method && toPath(url) === timedOut.url,
    )?.[0]
    const waiting = [...pending]
    pending.clear()
    for (const [id, { resolve }] of waiting) {
      resolve(
        toBridgeResponse(id, id === culprit ? createTimeoutAnswer() : createRestartedAnswer()),
      )
    }
    if (waiting.length > 0) onSettled()
  }

  return { fetch: bridgeFetch as typeof fetch, inFlight: () => pending.size, abandon }
}

function toBridgeResponse(id: number, answer: WireAnswer): BridgeResponse {
  const body = new TextEncoder().encode(answer.body).buffer as ArrayBuffer
  return { type: 'fetch-response', id, ...answer, body }
}

function toPath(url: string): string {
  const { pathname, search } = new URL(url)
  return pathname + search
}
