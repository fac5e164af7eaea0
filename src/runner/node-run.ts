/**
 * Runs one lesson example in Node the way the page's user Worker does: compile with
 * esbuild-wasm, fill the runtime global with the SDK, a ready anon client and a capturing
 * console, import the module, and report what it logged and the error it ended with.
 */
import * as esbuild from 'esbuild-wasm'
import * as sdk from '@supabase/supabase-js'
import type { Emulator } from '../emulator/index.ts'
import { EmulatorSocket } from '../emulator/realtime/transport.ts'
import { compileUserCode, RUNTIME_GLOBAL } from './compile.ts'
import {
  approveAsShown,
  createOpenInBrowser,
  type ConsentAnswer,
  type ConsentScreen,
} from './open-in-browser.ts'
import { createGetIdToken } from './provider-sdk.ts'
import { withDefaultStorage } from './reader-clients.ts'
import { createSessionStorage, type SessionStorage } from './user-runtime.ts'

export interface NodeRunResult {
  /** The arguments of each `console.log` call, as JSON would carry them. */
  logs: unknown[][]
  /** The uncaught error or compile problem the run ended with, as `Name: message`. */
  error?: string
}

export interface NodeRunOptions {
  /** How long the example may take before it is abandoned; 5 s like the page. */
  timeoutMs?: number
  /**
   * The page's session store (localStorage on a real site) as key → value. Pass the same
   * object to later runs to keep sessions across them, as the page does until Reset; by
   * default each run starts with an empty one.
   */
  sessionItems?: Record<string, string>
  /**
   * Answers the consent screens of `openInBrowser` and `getIdToken`; by default Approve, as
   * the email the screen shows (the example's `approveAs`, or the provider's suggestion).
   */
  decideConsent?: (screen: ConsentScreen) => Promise<ConsentAnswer>
}

const DEFAULT_TIMEOUT_MS = 5_000

let esbuildReady: Promise<void> | null = null
let runCount = 0
// The runtime global is one per process, so runs take turns.
let queue: Promise<unknown> = Promise.resolve()

/** Compiles and runs `source` against `emulator` as the page would. */
export function runExampleInNode(
  emulator: Emulator,
  source: string,
  options: NodeRunOptions = {},
): Promise<NodeRunResult> {
  const run = queue.then(() => runNow(emulator, source, options))
  queue = run.catch(() => undefined)
  return run
}

async function runNow(emulator: Emulator, source: string, options: NodeRunOptions) {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, sessionItems = {}, decideConsent = approveAsShown } =
    options
  esbuildReady ??= esbuild.initialize({})
  await esbuildReady
  const compiled = await compileUserCode(esbuild, source)
  if (!compiled.ok) {
    const [first] = compiled.problems
    return { logs: [], error: `SyntaxError: ${first.message} (line ${first.line ?? '?'})` }
  }

  const logs: unknown[][] = []
  const capture = (...args: unknown[]) => logs.push(args.map(toJsonValue))
  // Every client of the run, the ready one included, keeps its session in this one store,
  // under its storage key, as the page's clients do.
  const storage = createSessionStorage(sessionItems, (key, value) => {
    if (value === null) delete sessionItems[key]
    else sessionItems[key] = value
  })
  const standIn = { fetch: emulator.fetch, projectUrl: emulator.url, decide: decideConsent }
  const openInBrowser = createOpenInBrowser(standIn)
  const getIdToken = createGetIdToken({ ...standIn, anonKey: emulator.anonKey })
  Object.assign(globalThis, {
    [RUNTIME_GLOBAL]: {
      modules: { '@supabase/supabase-js': createRoutedSdk(emulator, storage) },
      supabase: createProjectClient(emulator, storage),
      console: { ...console, log: capture, info: capture, warn: capture, error: capture },
      openInBrowser,
      getIdToken,
      env: {
        SUPABASE_URL: emulator.url,
        SUPABASE_ANON_KEY: emulator.anonKey,
        SUPABASE_SERVICE_ROLE_KEY: emulator.serviceRoleKey,
      },
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
    },
  })

  // A unique trailing comment makes each run a new module URL; Node caches modules by URL.
  const code = `${compiled.code}\n//# sandbase-run=${++runCount}\n`
  const url = `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
  // As in the page, where the user Worker's only network is the emulator bridge, a plain
  // fetch() in the example (an emailed link, the stand-in provider) reaches the emulator.
  const nodeFetch = globalThis.fetch
  globalThis.fetch = emulator.fetch
  // Not yet: a synchronous endless loop blocks the process; only a run that keeps awaiting
  // is abandoned after the time limit (the page stops both by terminating its Worker).
  try {
    await withTimeout(import(/* @vite-ignore */ url), timeoutMs)
    return { logs }
  } catch (error) {
    return { logs, error: describeError(error) }
  } finally {
    globalThis.fetch = nodeFetch
  }
}

/** The anon client the page gives the reader, wired to the emulator. */
function createProjectClient(emulator: Emulator, storage: SessionStorage) {
  return sdk.createClient(emulator.url, emulator.anonKey, {
    global: { fetch: emulator.fetch },
    auth: { storage },
    realtime: { transport: EmulatorSocket as never },
  })
}

// In the page every fetch of the user Worker goes to the emulator; in Node the global fetch
// is shared with the test runner, so clients the reader creates are routed instead.
function createRoutedSdk(emulator: Emulator, storage: SessionStorage): typeof sdk {
  type Options = NonNullable<Parameters<typeof sdk.createClient>[2]>
  const routed = ((url: string, key: string, options: Options = {}) =>
    sdk.createClient(url, key, {
      ...withDefaultStorage(options, storage),
      global: { ...options.global, fetch: emulator.fetch },
      realtime: { transport: EmulatorSocket as never, ...options.realtime },
    })) as typeof sdk.createClient
  return { ...sdk, createClient: routed }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Sandbase stopped the run after ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** A logged value as it would arrive after a JSON round trip, errors keeping their message. */
function toJsonValue(value: unknown): unknown {
  try {
    const text = JSON.stringify(value, (_, item: unknown) => {
      if (typeof item === 'bigint') return `${item}n`
      if (item instanceof Error) return { ...item, name: item.name, message: item.message }
      return item
    })
    return text === undefined ? undefined : JSON.parse(text)
  } catch {
    return String(value)
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
