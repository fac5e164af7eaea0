/**
 * Messages between the page, the emulator Worker and the user Worker. Each direction is one
 * discriminated union with kebab-case `type` tags, so a handler's `switch` is exhaustive.
 */
import type { TraceEvent } from '../emulator/index.ts'
import type { CompileProblem } from './compile.ts'
import type { ConsentAnswer, ConsentScreen } from './open-in-browser.ts'

/** An error as it crosses a worker boundary: what the Console pane and tests need. */
export interface SerializedError {
  name: string
  message: string
  code?: string
  stack?: string
  /** The line of the reader's code it was thrown from, when the stack tells. */
  line?: number
  /** Other own fields of the error (PostgREST's `details`, `hint`, auth's `status`). */
  fields?: Record<string, Logged>
}

/** A logged value, turned into a tree that survives structured cloning and prints well. */
export type Logged =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'undefined' }
  | { kind: 'bigint'; text: string }
  | { kind: 'symbol'; text: string }
  | { kind: 'function'; name: string }
  | { kind: 'date'; iso: string }
  | { kind: 'array'; items: Logged[]; omitted: number }
  | { kind: 'object'; name: string | null; entries: [string, Logged][]; omitted: number }
  | { kind: 'error'; error: SerializedError }
  | { kind: 'circular' }
  | { kind: 'truncated' }

export type ConsoleLevel = 'log' | 'info' | 'warn' | 'error' | 'debug'

/** The page to the emulator Worker. */
export type ToEmulator =
  /** The page downloads the snapshot while this Worker's own code loads. */
  | { type: 'boot'; dataset: string; snapshot: ArrayBuffer | null }
  | { type: 'connect'; port: MessagePort }
  | { type: 'reset'; id: number }

/** The emulator Worker to the page. */
export type FromEmulator =
  | { type: 'boot-progress'; step: BootStep }
  | { type: 'booted'; url: string; anonKey: string; serviceRoleKey: string; fromSnapshot: boolean }
  | { type: 'boot-failed'; error: SerializedError }
  | { type: 'trace'; event: TraceEvent }
  | { type: 'reset-done'; id: number; error?: SerializedError }

export type BootStep = 'fetching-snapshot' | 'starting-postgres' | 'creating-project'

/**
 * The page to a user Worker: `prepare` while the worker waits as the spare (its client is
 * created and its bridge connected ahead of time), then `start` with the compiled code.
 */
export type ToUser =
  | {
      type: 'prepare'
      url: string
      anonKey: string
      serviceRoleKey: string
      port: MessagePort
      /** What the page's session store held when the last Run ended (every client's). */
      storage: Record<string, string>
    }
  | { type: 'start'; code: string }
  /** The reader's click on the consent card that `consent-open` asked for. */
  | { type: 'consent-answer'; answer: ConsentAnswer }
  /**
   * The watchdog restarted the project: the request that ran past its statement timeout (as
   * the trace names it, if it was this worker's) and every other waiting one get answered.
   */
  | { type: 'project-restarted'; timedOut: { method: string; url: string } | null }

/** A user Worker to the page. */
export type FromUser =
  | { type: 'ready' }
  | { type: 'console'; level: ConsoleLevel; args: Logged[] }
  | { type: 'uncaught'; error: SerializedError }
  | { type: 'finished' }
  | { type: 'storage-set'; key: string; value: string | null }
  /** `openInBrowser` or `getIdToken` reached the stand-in provider: show the card, wait. */
  | { type: 'consent-open'; screen: ConsentScreen }

/** A user Worker's fetch, carried over its MessagePort to the emulator Worker. */
export type BridgeRequest = {
  type: 'fetch-request'
  id: number
  method: string
  url: string
  headers: [string, string][]
  body: ArrayBuffer | null
}

/** The emulator Worker's answer to a `fetch-request`. */
export type BridgeResponse =
  | {
      type: 'fetch-response'
      id: number
      status: number
      statusText: string
      headers: [string, string][]
      body: ArrayBuffer | null
    }
  | { type: 'fetch-error'; id: number; error: SerializedError }

export type { CompileProblem, ConsentAnswer, ConsentScreen }
