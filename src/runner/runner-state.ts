/**
 * The runner's one observable state, as the Playground island sees it, and the store that
 * tells its listeners of changes no more often than the page can draw them.
 */
import type { TraceEvent } from '../emulator/index.ts'
import type { BootStep, ConsentScreen, SerializedError } from './protocol.ts'
import type { ProjectRestart } from './restart.ts'
import { createRun, type Run } from './timeline.ts'

// How long a Run may go unshown; about what a reader perceives as instant.
const QUIET_MS = 100

export type BootPhase = 'idle' | 'booting' | 'ready' | 'failed'

export interface BootState {
  phase: BootPhase
  step: BootStep | null
  /** esbuild-wasm has loaded; until then only code compiled before (the examples) runs. */
  isCompilerReady: boolean
  /** Why esbuild-wasm failed to load, if it did; a Run then retries loading it. */
  compilerError: string | null
  error: SerializedError | null
  /** Milliseconds from boot() until the project answered, once it did. */
  bootMs: number | null
  /** Why the project was last restarted from its snapshot; cleared by the next Run or Reset. */
  restart: ProjectRestart | null
}

/** A message the project "sent" (an email or a text), kept across Runs until Reset. */
export type InboxMessage = Extract<TraceEvent, { type: 'email' | 'sms' }>

export interface RunnerState {
  boot: BootState
  run: Run
  inbox: InboxMessage[]
  /** How many Runs were started, so a test or the island can tell one Run from the next. */
  runCount: number
  /** The consent screen the Run waits on (`openInBrowser`, `getIdToken`) until answered. */
  consent: { id: number; screen: ConsentScreen } | null
}

export interface RunnerStore {
  readonly state: RunnerState
  set(next: Partial<RunnerState>): void
  subscribe(listener: (state: RunnerState) => void): () => void
}

/** A store holding the state before boot. */
export function createRunnerStore(): RunnerStore {
  const listeners = new Set<(state: RunnerState) => void>()
  let state: RunnerState = {
    boot: {
      phase: 'idle',
      step: null,
      isCompilerReady: false,
      compilerError: null,
      error: null,
      bootMs: null,
      restart: null,
    },
    run: createRun(),
    inbox: [],
    runCount: 0,
    consent: null,
  }

  // Listeners hear of changes at most once a frame: a Run that logs in a tight loop sends
  // thousands of messages, and re-rendering the panes for each froze the page. A Run's end
  // is what the reader waits for: it is shown at once. Its first moments are not shown at
  // all, since most Runs end within them and emptying the panes only to fill them again a
  // few milliseconds later costs the page a layout.
  let isNotifyQueued = false
  let notified = state
  let quietUntil = 0
  function notify(): void {
    isNotifyQueued = false
    if (notified === state) return
    notified = state
    listeners.forEach((listener) => listener(state))
  }
  function set(next: Partial<RunnerState>): void {
    const previous = state
    state = { ...state, ...next }
    if (hasEnded(state.run) && !hasEnded(previous.run)) return notify()
    if (state.runCount !== previous.runCount) quietUntil = performance.now() + QUIET_MS
    if (isNotifyQueued) return
    isNotifyQueued = true
    const quiet = quietUntil - performance.now()
    if (quiet > 0) setTimeout(notify, quiet)
    else if (typeof requestAnimationFrame === 'function') requestAnimationFrame(notify)
    else setTimeout(notify, 0)
  }

  return {
    get state() {
      return state
    },
    set,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

function hasEnded({ status }: Run): boolean {
  return status === 'done' || status === 'failed' || status === 'stopped'
}
