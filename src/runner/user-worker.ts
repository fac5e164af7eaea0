/**
 * A disposable Worker that runs one Run of the reader's code. It loads the real supabase-js,
 * locks its network to the emulator bridge, imports the compiled module and reports what
 * happened. The page terminates it when the Run ends or exceeds its time limit.
 */
import * as sdk from '@supabase/supabase-js'
import { EmulatorSocket } from '../emulator/realtime/transport.ts'
import { createBridgeFetch } from './bridge-fetch.ts'
import { RUNTIME_GLOBAL } from './compile.ts'
import type { FromUser, ToUser } from './protocol.ts'
import { lockNetwork } from './sandbox.ts'
import { serializeError } from './serialize.ts'
import { createCapturingConsole } from './user-runtime.ts'

const SETTLE_DELAY_MS = 10

const scope = self as unknown as DedicatedWorkerGlobalScope

function post(message: FromUser): void {
  scope.postMessage(message)
}

scope.onmessage = ({ data }: MessageEvent<ToUser>) => {
  if (data.type !== 'start') return
  runModule(data).catch((error) => post({ type: 'uncaught', error: serializeError(error) }))
}

// Errors the reader's code throws outside the awaited module body (callbacks, promises).
scope.addEventListener('error', (event) => {
  event.preventDefault()
  post({ type: 'uncaught', error: serializeError(event.error ?? event.message) })
})
scope.addEventListener('unhandledrejection', (event) => {
  event.preventDefault()
  post({ type: 'uncaught', error: serializeError(event.reason) })
})

async function runModule({ code, url, anonKey, port }: ToUser): Promise<void> {
  let isModuleDone = false
  let hasFinished = false
  // The Run is over once the module has finished and no fetch it started is pending. The
  // check waits a moment so that callbacks chained on the last response run first.
  // Not yet: waiting for timers the code scheduled without awaiting them; their callbacks
  // are cut off when the Run ends.
  const settleSoon = () => setTimeout(settle, SETTLE_DELAY_MS)
  const settle = () => {
    if (hasFinished || !isModuleDone || bridge.inFlight() > 0) return
    hasFinished = true
    post({ type: 'finished' })
  }
  const bridge = createBridgeFetch(port, settleSoon)
  lockNetwork(bridge.fetch)

  const supabase = sdk.createClient(url, anonKey, {
    global: { fetch: bridge.fetch },
    realtime: { transport: EmulatorSocket as never },
  })
  const console = createCapturingConsole((level, args) => post({ type: 'console', level, args }))
  Object.assign(globalThis, {
    [RUNTIME_GLOBAL]: { modules: { '@supabase/supabase-js': sdk }, supabase, console },
  })

  const moduleUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }))
  try {
    await import(/* @vite-ignore */ moduleUrl)
  } catch (error) {
    post({ type: 'uncaught', error: serializeError(error) })
  } finally {
    URL.revokeObjectURL(moduleUrl)
    isModuleDone = true
    settleSoon()
  }
}

post({ type: 'ready' })
