/**
 * The only network a user Worker has: a `fetch` that carries each request over a
 * MessagePort to the emulator Worker and rebuilds the `Response` it answers with.
 */
import type { BridgeRequest, BridgeResponse } from './protocol.ts'

// Statuses whose Response must be built without a body.
const NULL_BODY_STATUSES = [101, 204, 205, 304]

export interface Bridge {
  fetch: typeof fetch
  /** How many fetches are waiting for an answer; a Run is not over while some are. */
  inFlight(): number
}

/** Creates a fetch that talks to the emulator Worker through `port`. */
export function createBridgeFetch(port: MessagePort, onSettled: () => void): Bridge {
  const pending = new Map<number, (answer: BridgeResponse) => void>()
  let lastId = 0

  port.onmessage = ({ data }: MessageEvent<BridgeResponse>) => {
    pending.get(data.id)?.(data)
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
      pending.set(message.id, resolve)
      port.postMessage(message, message.body ? [message.body] : [])
    })
    if (answer.type === 'fetch-error') {
      throw Object.assign(new TypeError(answer.error.message), { cause: answer.error })
    }

    const { status, statusText, headers } = answer
    const responseBody = NULL_BODY_STATUSES.includes(status) ? null : answer.body
    return new Response(responseBody, { status, statusText, headers })
  }

  return { fetch: bridgeFetch as typeof fetch, inFlight: () => pending.size }
}
