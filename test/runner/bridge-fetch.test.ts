import { createClient } from '@supabase/supabase-js'
import { afterEach, describe, expect, test } from 'vitest'
import { EmulatorSocket } from '../../src/emulator/realtime/transport.ts'
import { createBridgeFetch } from '../../src/runner/bridge-fetch.ts'
import type { BridgeRequest } from '../../src/runner/protocol.ts'

const URL_BASE = 'http://127.0.0.1:54321'

const channels: MessageChannel[] = []
afterEach(() => {
  channels.splice(0).forEach(({ port1, port2 }) => (port1.close(), port2.close()))
})

/** A bridge whose far end records the requests and never answers, like a stuck project. */
function createStuckBridge() {
  const channel = new MessageChannel()
  channels.push(channel)
  const received: BridgeRequest[] = []
  const waiters: (() => void)[] = []
  channel.port1.onmessage = ({ data }: MessageEvent<BridgeRequest>) => {
    received.push(data)
    waiters.splice(0).forEach((wake) => wake())
  }
  const bridge = createBridgeFetch(channel.port2, () => {})
  async function waitForRequests(count: number): Promise<void> {
    while (received.length < count) await new Promise<void>((wake) => waiters.push(wake))
  }
  return { bridge, received, waitForRequests }
}

describe('bridge abandon', () => {
  test('supabase-js reports 57014 for the timed-out rpc, as PostgREST answers it', async () => {
    const { bridge, waitForRequests } = createStuckBridge()
    const supabase = createClient(URL_BASE, 'anon-key', {
      global: { fetch: bridge.fetch },
      realtime: { transport: EmulatorSocket as never },
    })

    const call = supabase.rpc('busy_for', { seconds: 10 })
    const pending = call.then((result) => result)
    await waitForRequests(1)
    bridge.abandon({ method: 'POST', url: '/rest/v1/rpc/busy_for' })
    const { data, error, status } = await pending

    expect(data).toBeNull()
    expect(status).toBe(500)
    expect(error).toMatchObject({
      code: '57014',
      message: 'canceling statement due to statement timeout',
      details: null,
      hint: null,
    })
  })

  test('answers the other requests waiting, and those sent afterwards, with a 503', async () => {
    const { bridge, received, waitForRequests } = createStuckBridge()
    const slow = bridge.fetch(`${URL_BASE}/rest/v1/rpc/busy_for`, { method: 'POST', body: '{}' })
    const queued = bridge.fetch(`${URL_BASE}/rest/v1/countries?select=*`)
    await waitForRequests(2)

    bridge.abandon({ method: 'POST', url: '/rest/v1/rpc/busy_for' })
    const later = await bridge.fetch(`${URL_BASE}/rest/v1/cities`)

    expect((await slow).status).toBe(500)
    const answer = await queued
    expect(answer.status).toBe(503)
    expect((await answer.json()).code).toBe('SBX50')
    expect(later.status).toBe(503)
    // The one sent after the restart never went out on the dead port.
    expect(received).toHaveLength(2)
    expect(bridge.inFlight()).toBe(0)
  })

  test('supabase-js gets the 503 at once for a select, instead of retrying for 7 s', async () => {
    const { bridge, waitForRequests } = createStuckBridge()
    const supabase = createClient(URL_BASE, 'anon-key', {
      global: { fetch: bridge.fetch },
      realtime: { transport: EmulatorSocket as never },
    })
    const pending = supabase
      .from('countries')
      .select('name')
      .then((result) => result)
    await waitForRequests(1)
    const abandonedAt = performance.now()
    bridge.abandon({ method: 'POST', url: '/rest/v1/rpc/busy_for' })
    const { status, error } = await pending

    expect(status).toBe(503)
    expect(error?.code).toBe('SBX50')
    // postgrest-js's own backoff before a first retry is 1 s.
    expect(performance.now() - abandonedAt).toBeLessThan(1_000)
  })

  test('answers every request with a 503 when the timed-out one was not this worker’s', async () => {
    const { bridge, waitForRequests } = createStuckBridge()
    const queued = bridge.fetch(`${URL_BASE}/rest/v1/countries`)
    await waitForRequests(1)
    bridge.abandon({ method: 'POST', url: '/rest/v1/rpc/busy_for' })
    expect((await queued).status).toBe(503)
  })
})
