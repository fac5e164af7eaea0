/**
 * A disposable Worker that runs one Run of the reader's code. While it waits as the spare it
 * loads the real supabase-js, creates the ready client and locks its network to the
 * emulator bridge; on `start` it imports the compiled module and reports what happened. The
 * page terminates it when the Run ends or exceeds its time limit.
 */
import * as sdk from '@supabase/supabase-js'
import { EmulatorSocket } from '../emulator/realtime/transport.ts'
import { createBridgeFetch, type Bridge } from './bridge-fetch.ts'
import { RUNTIME_GLOBAL } from './compile.ts'
import { createOpenInBrowser, type ConsentAnswer, type ConsentScreen } from './open-in-browser.ts'
import type { FromUser, ToUser } from './protocol.ts'
import { createGetIdToken } from './provider-sdk.ts'
import { withPageStorage } from './reader-clients.ts'
import { lockNetwork } from './sandbox.ts'
import { serializeError } from './serialize.ts'
import { findSourceLine } from './source-lines.ts'
import { createCapturingConsole, createSessionStorage } from './user-runtime.ts'

// After the last response of code that did not await it, callbacks chained on it get this
// long to run before the Run ends.
const SETTLE_DELAY_MS = 10

const scope = self as unknown as DedicatedWorkerGlobalScope
let bridge: Bridge | null = null
let isModuleDone = false
let hasFinished = false
let moduleCode = ''
// The consent card the page shows for `openInBrowser` or `getIdToken`, awaiting a click.
let answerConsent: ((answer: ConsentAnswer) => void) | null = null

function post(message: FromUser): void {
  scope.postMessage(message)
}

scope.onmessage = ({ data }: MessageEvent<ToUser>) => {
  switch (data.type) {
    case 'prepare':
      prepare(data)
      return post({ type: 'ready' })
    case 'start':
      runModule(data.code).catch(reportUncaught)
      return
    case 'consent-answer':
      answerConsent?.(data.answer)
      answerConsent = null
      return
    case 'project-restarted':
      bridge?.abandon(data.timedOut)
      return
  }
}

// Errors the reader's code throws outside the awaited module body (callbacks, promises).
scope.addEventListener('error', (event) => {
  event.preventDefault()
  reportUncaught(event.error ?? event.message)
})
scope.addEventListener('unhandledrejection', (event) => {
  event.preventDefault()
  reportUncaught(event.reason)
})

function prepare(message: Extract<ToUser, { type: 'prepare' }>): void {
  const { url, anonKey, serviceRoleKey, port, storage } = message
  bridge = createBridgeFetch(port, () => setTimeout(settle, SETTLE_DELAY_MS))
  lockNetwork(bridge.fetch)

  // One store, like a browser's localStorage, for the ready client and for every client the
  // reader creates: each keeps its session under its storage key until Reset.
  const sessionStorage = createSessionStorage(storage, (key, value) =>
    post({ type: 'storage-set', key, value }),
  )
  const readerSdk = { ...sdk, createClient: withPageStorage(sdk.createClient, sessionStorage) }
  const supabase = sdk.createClient(url, anonKey, {
    global: { fetch: bridge.fetch },
    auth: { storage: sessionStorage },
    realtime: { transport: EmulatorSocket as never },
  })
  const console = createCapturingConsole((level, args) => post({ type: 'console', level, args }))
  // Server-side examples read the project's URL and keys from `process.env`.
  const env = {
    SUPABASE_URL: url,
    SUPABASE_ANON_KEY: anonKey,
    SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
  }
  const openInBrowser = createOpenInBrowser({
    fetch: bridge.fetch,
    projectUrl: url,
    decide: askReader,
  })
  const getIdToken = createGetIdToken({
    fetch: bridge.fetch,
    projectUrl: url,
    anonKey,
    decide: askReader,
  })
  Object.assign(globalThis, {
    [RUNTIME_GLOBAL]: {
      modules: { '@supabase/supabase-js': readerSdk },
      supabase,
      console,
      openInBrowser,
      getIdToken,
      env,
    },
  })
}

// The page shows the consent card and pauses the Run's time limit until the reader answers.
// Cards open one after another, as tabs a reader deals with in turn.
let consentQueue: Promise<unknown> = Promise.resolve()
function askReader(screen: ConsentScreen): Promise<ConsentAnswer> {
  const asked = consentQueue.then(
    () =>
      new Promise<ConsentAnswer>((resolve) => {
        answerConsent = resolve
        post({ type: 'consent-open', screen })
      }),
  )
  consentQueue = asked
  return asked
}

// The Run is over once the module has finished and no fetch it started is pending.
// Not yet: waiting for timers the code scheduled without awaiting them; their callbacks
// are cut off when the Run ends.
function settle(): void {
  if (hasFinished || !isModuleDone || (bridge?.inFlight() ?? 0) > 0) return
  hasFinished = true
  post({ type: 'finished' })
}

function reportUncaught(thrown: unknown): void {
  const error = serializeError(thrown)
  const line = findSourceLine(moduleCode, error.stack, 'example.ts')
  post({ type: 'uncaught', error: line === null ? error : { ...error, line } })
}

async function runModule(code: string): Promise<void> {
  moduleCode = code
  const moduleUrl = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }))
  try {
    await import(/* @vite-ignore */ moduleUrl)
  } catch (error) {
    reportUncaught(error)
  } finally {
    URL.revokeObjectURL(moduleUrl)
    isModuleDone = true
    // One task later, so that errors and logs queued by the module's last step come first.
    setTimeout(settle, 0)
  }
}
