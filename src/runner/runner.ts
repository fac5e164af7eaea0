/**
 * The page side of the runner, and the whole interface the Playground island uses: boot,
 * run, reset and subscribe. It owns the emulator Worker (one per page, kept alive) and a
 * fresh user Worker per Run, and turns their messages into one observable state.
 */
import { loadCompiler, compile } from './compiler.ts'
import type {
  BootStep,
  ConsentAnswer,
  ConsentScreen,
  FromEmulator,
  FromUser,
  SerializedError,
  ToEmulator,
  ToUser,
} from './protocol.ts'
import type { TraceEvent } from '../emulator/index.ts'
import { addConsoleLine, addTraceEvent, createRun, endRun, type Run } from './timeline.ts'

/** A Run that has not ended after this long is stopped by terminating its Worker. */
export const RUN_TIME_LIMIT_MS = 5_000

export type BootPhase = 'idle' | 'booting' | 'ready' | 'failed'

export interface BootState {
  phase: BootPhase
  step: BootStep | null
  isCompilerReady: boolean
  /** Why esbuild-wasm failed to load, if it did; a Run then retries loading it. */
  compilerError: string | null
  error: SerializedError | null
  /** Milliseconds from boot() until the project answered, once it did. */
  bootMs: number | null
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

/** What the Playground island talks to; nothing else of the runner is visible to it. */
export interface Runner {
  boot(): void
  run(source: string): Promise<void>
  reset(): Promise<void>
  /** The reader's Approve or Deny on consent card `id`; a stale card's click is ignored. */
  answerConsent(id: number, answer: ConsentAnswer): void
  subscribe(listener: (state: RunnerState) => void): () => void
  getState(): RunnerState
}

interface Project {
  url: string
  anonKey: string
  serviceRoleKey: string
}

/** Creates the runner for one lesson's dataset. */
export function createRunner(dataset: string): Runner {
  const listeners = new Set<(state: RunnerState) => void>()
  let state: RunnerState = {
    boot: {
      phase: 'idle',
      step: null,
      isCompilerReady: false,
      compilerError: null,
      error: null,
      bootMs: null,
    },
    run: createRun(),
    inbox: [],
    runCount: 0,
    consent: null,
  }
  let emulatorWorker: Worker | null = null
  let project: Promise<Project> | null = null
  let booted: Project | null = null
  // The next Run's worker, prepared while the reader reads, after the previous Run ended.
  let spare: Promise<Worker> | null = null
  let current: {
    worker: Worker
    timer: ReturnType<typeof setTimeout> | undefined
    started: number
    /** What is left of the time limit when the timer was last (re)started. */
    timeLeft: number
    timerStarted: number
  } | null = null
  // The page's session store between Runs (localStorage's stand-in), shared by the ready
  // client and the clients the reader creates: a session survives until Reset.
  let sessionItems: Record<string, string> = {}
  let lastResetId = 0
  // Numbers consent cards, so the page renders a fresh card for each, even when two match.
  let consentCount = 0
  const resets = new Map<number, (error?: SerializedError) => void>()

  // Listeners hear of changes at most once a frame: a Run that logs in a tight loop sends
  // thousands of messages, and re-rendering the panes for each froze the page.
  let isNotifyQueued = false
  function setState(next: Partial<RunnerState>): void {
    state = { ...state, ...next }
    if (isNotifyQueued) return
    isNotifyQueued = true
    const notify = () => {
      isNotifyQueued = false
      listeners.forEach((listener) => listener(state))
    }
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(notify)
    else setTimeout(notify, 0)
  }
  const setBoot = (boot: Partial<BootState>) => setState({ boot: { ...state.boot, ...boot } })
  const updateRun = (update: (run: Run) => Run) => setState({ run: update(state.run) })

  function boot(): void {
    if (emulatorWorker) return
    const started = performance.now()
    setBoot({ phase: 'booting' })

    emulatorWorker = new Worker(new URL('./emulator-worker.ts', import.meta.url), {
      type: 'module',
      name: 'sandbase-emulator',
    })
    project = new Promise((resolve, reject) => {
      emulatorWorker!.onmessage = ({ data }: MessageEvent<FromEmulator>) => {
        switch (data.type) {
          case 'boot-progress':
            return setBoot({ step: data.step })
          case 'booted':
            booted = { url: data.url, anonKey: data.anonKey, serviceRoleKey: data.serviceRoleKey }
            setBoot({ phase: 'ready', step: null, bootMs: performance.now() - started })
            spare = prepareUserWorker(booted)
            return resolve(booted)
          case 'boot-failed':
            setBoot({ phase: 'failed', error: data.error })
            return reject(Object.assign(new Error(data.error.message), data.error))
          case 'trace':
            if (data.event.type === 'email' || data.event.type === 'sms') {
              setState({ inbox: [...state.inbox, data.event] })
            }
            return updateRun((run) => addTraceEvent(run, data.event))
          case 'reset-done':
            resets.get(data.id)?.(data.error)
            resets.delete(data.id)
            return
        }
      }
    })
    project.catch(() => {})
    postToEmulator({
      type: 'boot',
      dataset,
      snapshotUrl: `${import.meta.env.BASE_URL}snapshots/${dataset}.tar.gz`,
    })

    loadCompiler().then(
      () => setBoot({ isCompilerReady: true }),
      (error: Error) => setBoot({ compilerError: error.message }),
    )
  }

  function postToEmulator(message: ToEmulator, transfer: Transferable[] = []): void {
    emulatorWorker!.postMessage(message, transfer)
  }

  async function run(source: string): Promise<void> {
    boot()
    stopCurrent()
    const started = performance.now()
    setState({ run: createRun('compiling'), runCount: state.runCount + 1 })

    const compiled = await compile(source).catch((error: Error) => ({
      ok: false as const,
      problems: [
        { message: `The compiler failed to load: ${error.message}`, line: null, column: null },
      ],
    }))
    if (!compiled.ok) {
      updateRun((run) =>
        addConsoleLine(run, { kind: 'compile-error', problems: compiled.problems }),
      )
      updateRun((run) => endRun(run, 'failed', performance.now() - started))
      return
    }

    const target = await project!.catch(() => null)
    if (!target) {
      const message = state.boot.error?.message ?? 'the project did not start'
      updateRun((run) => addConsoleLine(run, { kind: 'emulator-error', message }))
      updateRun((run) => endRun(run, 'failed', performance.now() - started))
      return
    }
    // A newer Run may have started while this one compiled.
    if (state.run.status !== 'compiling') return

    const worker = await (spare ?? prepareUserWorker(target))
    spare = null

    current = { worker, timer: undefined, started, timeLeft: RUN_TIME_LIMIT_MS, timerStarted: 0 }
    startTimeLimit()
    updateRun((run) => ({ ...run, status: 'running' }))

    worker.onmessage = ({ data }: MessageEvent<FromUser>) => {
      if (current?.worker !== worker) return
      switch (data.type) {
        case 'console':
          return updateRun((run) => addConsoleLine(run, { kind: 'log', ...data }))
        case 'uncaught':
          return updateRun((run) => addConsoleLine(run, { kind: 'uncaught', error: data.error }))
        case 'storage-set':
          return saveSessionItem(data.key, data.value)
        case 'consent-open':
          // The reader takes as long as they like to decide: that time is not the Run's.
          pauseTimeLimit()
          consentCount += 1
          return setState({ consent: { id: consentCount, screen: data.screen } })
        case 'finished':
          return finish(worker, hasUncaught(state.run) ? 'failed' : 'done')
      }
    }
    // An error the worker itself raises (a failed import, a clone failure) ends the Run.
    worker.onerror = (event) => {
      event.preventDefault()
      const error = { name: 'Error', message: event.message || 'The Run’s worker failed' }
      updateRun((run) => addConsoleLine(run, { kind: 'uncaught', error }))
      finish(worker, 'failed')
    }
    worker.onmessageerror = () => {
      const error = { name: 'DataCloneError', message: 'A message from the Run could not be read' }
      updateRun((run) => addConsoleLine(run, { kind: 'uncaught', error }))
    }
    worker.postMessage({ type: 'start', code: compiled.code } satisfies ToUser)
  }

  function finish(worker: Worker, status: 'done' | 'failed' | 'stopped'): void {
    if (current?.worker !== worker) return
    const { timer, started } = current
    clearTimeout(timer)
    worker.terminate()
    current = null
    if (state.consent) setState({ consent: null })
    updateRun((run) => endRun(run, status, performance.now() - started))
    prepareSpare()
  }

  function stopCurrent(): void {
    if (!current) return
    clearTimeout(current.timer)
    current.worker.terminate()
    current = null
    // A consent card left open belonged to the Run just stopped.
    if (state.consent) setState({ consent: null })
    prepareSpare()
  }

  function startTimeLimit(): void {
    if (!current) return
    const { worker, timeLeft } = current
    current.timerStarted = performance.now()
    current.timer = setTimeout(() => {
      finish(worker, 'stopped')
      updateRun((run) =>
        addConsoleLine(run, { kind: 'stopped', seconds: RUN_TIME_LIMIT_MS / 1000 }),
      )
    }, timeLeft)
  }

  function pauseTimeLimit(): void {
    if (!current) return
    clearTimeout(current.timer)
    current.timeLeft -= performance.now() - current.timerStarted
  }

  function answerConsent(id: number, answer: ConsentAnswer): void {
    // A second click on a card that is going away must not answer the card after it.
    if (!current || state.consent?.id !== id) return
    current.worker.postMessage({ type: 'consent-answer', answer } satisfies ToUser)
    setState({ consent: null })
    startTimeLimit()
  }

  function saveSessionItem(key: string, value: string | null): void {
    const { [key]: _, ...others } = sessionItems
    sessionItems = value === null ? others : { ...others, [key]: value }
  }

  function prepareSpare(): void {
    if (booted && !spare) spare = prepareUserWorker(booted)
  }

  // A user Worker loads supabase-js, creates its client and connects its bridge before it
  // is needed, so a Run starts without those delays.
  function prepareUserWorker({ url, anonKey, serviceRoleKey }: Project): Promise<Worker> {
    const worker = new Worker(new URL('./user-worker.ts', import.meta.url), {
      type: 'module',
      name: 'sandbase-run',
    })
    const channel = new MessageChannel()
    postToEmulator({ type: 'connect', port: channel.port1 }, [channel.port1])
    const prepare: ToUser = {
      type: 'prepare',
      url,
      anonKey,
      serviceRoleKey,
      port: channel.port2,
      storage: sessionItems,
    }
    worker.postMessage(prepare, [channel.port2])

    return new Promise((resolve) => {
      worker.onmessage = ({ data }: MessageEvent<FromUser>) => {
        // Recovering a stored session may already rotate its tokens.
        if (data.type === 'storage-set') saveSessionItem(data.key, data.value)
        if (data.type === 'ready') resolve(worker)
      }
      // A worker that failed to load still resolves: its Run then ends by the time limit.
      worker.onerror = () => resolve(worker)
    })
  }

  async function reset(): Promise<void> {
    boot()
    sessionItems = {}
    // The spare was prepared with the old session; the next Run gets a fresh worker.
    spare?.then((worker) => worker.terminate())
    spare = null
    stopCurrent()
    setState({ run: createRun(), inbox: [] })
    await project!.catch(() => {})
    if (state.boot.phase !== 'ready') return

    lastResetId += 1
    const id = lastResetId
    const error = await new Promise<SerializedError | undefined>((resolve) => {
      resets.set(id, resolve)
      postToEmulator({ type: 'reset', id })
    })
    if (error)
      updateRun((run) => addConsoleLine(run, { kind: 'emulator-error', message: error.message }))
  }

  return {
    boot,
    run,
    reset,
    answerConsent,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getState: () => state,
  }
}

function hasUncaught(run: Run): boolean {
  return run.console.some(({ kind }) => kind === 'uncaught')
}
