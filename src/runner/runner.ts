/**
 * The page side of the runner, and the whole interface the Playground island uses: boot,
 * run, reset and subscribe. It owns the emulator Worker (one per page, kept alive) and a
 * fresh user Worker per Run, and turns their messages into one observable state.
 */
import { compile, isCompiled, loadCompiler, rememberCompiled } from './compiler.ts'
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
import { markMoment } from './marks.ts'
import { startProjectWorker, type ProjectWorker } from './project-worker.ts'
import { addConsoleLine, addTraceEvent, createRun, endRun, type Run } from './timeline.ts'

/** A Run that has not ended after this long is stopped by terminating its Worker. */
export const RUN_TIME_LIMIT_MS = 5_000

// How long a Run may go unshown; about what a reader perceives as instant.
const QUIET_MS = 100
// How long the page must have had no Run before esbuild-wasm loads unasked: compiling its
// wasm keeps both cores of a small machine busy for a few seconds.
const COMPILER_DELAY_MS = 2_000

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
  /** The reader is editing: the next Run will need the compiler, so start loading it. */
  prepareCompiler(): void
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

/** A user Worker being prepared for a Run, and the session it was given. */
interface Spare {
  worker: Promise<Worker>
  storage: Record<string, string>
}

// Two, so that a Run started right after the last one still finds a worker ready.
const SPARE_WORKERS = 2

/** An example's code and the module it compiles to, compiled when the site was built. */
export interface PrecompiledExample {
  source: string
  code: string
}

/** Creates the runner for one lesson's dataset. */
export function createRunner(dataset: string, precompiled: PrecompiledExample[] = []): Runner {
  for (const { source, code } of precompiled) rememberCompiled(source, { ok: true, code })

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
  let emulatorWorker: ProjectWorker | null = null
  let project: Promise<Project> | null = null
  let booted: Project | null = null
  // Workers for the next Runs, prepared while the reader reads, one at a time.
  let spares: Spare[] = []
  let isPreparingSpare = false
  // Bumped by Reset, whose spares are thrown away, so their late readiness is ignored.
  let spareGeneration = 0
  let isCompilerRequested = false
  let compilerTimer: ReturnType<typeof setTimeout> | undefined
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
  function setState(next: Partial<RunnerState>): void {
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
  const setBoot = (boot: Partial<BootState>) => setState({ boot: { ...state.boot, ...boot } })
  const updateRun = (update: (run: Run) => Run) => setState({ run: update(state.run) })

  // Everything starts at once but in order of need: the snapshot download and the emulator
  // Worker first, then the user Worker's SDK; esbuild-wasm waits until they are done.
  function boot(): void {
    if (emulatorWorker) return
    setBoot({ phase: 'booting', step: 'fetching-snapshot' })
    // The lesson page's own script may have started it already.
    emulatorWorker = startProjectWorker(dataset)
    const { startedAt } = emulatorWorker

    project = new Promise((resolve, reject) => {
      emulatorWorker!.listen((data) => {
        switch (data.type) {
          case 'boot-progress':
            markMoment(data.step)
            return setBoot({ step: data.step })
          case 'booted':
            markMoment('booted')
            booted = { url: data.url, anonKey: data.anonKey, serviceRoleKey: data.serviceRoleKey }
            setBoot({ phase: 'ready', step: null, bootMs: performance.now() - startedAt })
            return resolve(booted)
          case 'boot-failed':
            setBoot({ phase: 'failed', error: data.error })
            return reject(Object.assign(new Error(data.error.message), data.error))
          case 'trace':
            if (data.event.type === 'http-request') markMoment('request')
            if (data.event.type === 'http-response') markMoment('response')
            if (data.event.type === 'email' || data.event.type === 'sms') {
              setState({ inbox: [...state.inbox, data.event] })
            }
            return updateRun((run) => addTraceEvent(run, data.event))
          case 'reset-done':
            resets.get(data.id)?.(data.error)
            resets.delete(data.id)
            return
        }
      })
    })
    project.catch(() => {})
    // The spare's script loads while Postgres starts; it is prepared once the project answers.
    addSpare(prepareUserWorker(project))
  }

  // After the boot and as Runs take workers, in order of need: spare workers, one at a time,
  // then esbuild-wasm, about 10 MB of wasm to compile, once no Run has run for a while (or
  // as soon as the reader edits); the examples need no compiler.
  function continueInBackground(): void {
    if (!booted || isPreparingSpare) return
    if (spares.length < SPARE_WORKERS) return addSpare(prepareUserWorker(Promise.resolve(booted)))
    if (current || state.run.status === 'compiling' || isCompilerRequested) return
    clearTimeout(compilerTimer)
    compilerTimer = setTimeout(() => {
      if (!current && state.run.status !== 'compiling') requestCompiler()
    }, COMPILER_DELAY_MS)
  }

  function addSpare(spare: Spare): void {
    const generation = spareGeneration
    spares.push(spare)
    isPreparingSpare = true
    const onSettled = () => {
      if (generation !== spareGeneration) return
      isPreparingSpare = false
      continueInBackground()
    }
    spare.worker.then(onSettled, onSettled)
  }

  function takeSpare(target: Project): Promise<Worker> {
    for (let spare = spares.shift(); spare; spare = spares.shift()) {
      // One prepared before the session last changed would run with the old session.
      if (spare.storage === sessionItems) return spare.worker
      terminateWhenReady(spare)
    }
    return prepareUserWorker(Promise.resolve(target)).worker
  }

  function dropSpares(): void {
    spareGeneration += 1
    isPreparingSpare = false
    spares.forEach(terminateWhenReady)
    spares = []
  }

  function requestCompiler(): void {
    clearTimeout(compilerTimer)
    if (isCompilerRequested) return
    isCompilerRequested = true
    loadCompiler().then(
      () => {
        markMoment('compiler-ready')
        setBoot({ isCompilerReady: true, compilerError: null })
      },
      (error: Error) => {
        isCompilerRequested = false
        setBoot({ compilerError: error.message })
      },
    )
  }

  function postToEmulator(message: ToEmulator, transfer: Transferable[] = []): void {
    emulatorWorker!.post(message, transfer)
  }

  async function run(source: string): Promise<void> {
    boot()
    stopCurrent()
    const started = performance.now()
    markMoment('run')
    setState({ run: createRun('compiling'), runCount: state.runCount + 1 })

    if (!isCompiled(source)) requestCompiler()
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
    markMoment('compiled')

    const next = takeSpare(target)
    // Runs in quick succession would otherwise each wait for a fresh worker.
    if (spares.length === 0) continueInBackground()
    const worker = await next
    markMoment('started')

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
    markMoment('finished')
    updateRun((run) => endRun(run, status, performance.now() - started))
    // Creating the next spare worker takes the page a few milliseconds: after the outcome
    // is drawn.
    afterNextPaint(continueInBackground)
  }

  function stopCurrent(): void {
    if (!current) return
    clearTimeout(current.timer)
    current.worker.terminate()
    current = null
    // A consent card left open belonged to the Run just stopped.
    if (state.consent) setState({ consent: null })
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

  // A user Worker loads supabase-js, creates its client and connects its bridge before it
  // is needed, so a Run starts without those delays.
  function prepareUserWorker(target: Promise<Project>): Spare {
    const spare: Spare = {
      storage: sessionItems,
      worker: startUserWorker(target, (storage) => (spare.storage = storage)),
    }
    return spare
  }

  async function startUserWorker(
    target: Promise<Project>,
    onStorage: (storage: Record<string, string>) => void,
  ): Promise<Worker> {
    const worker = new Worker(new URL('./user-worker.ts', import.meta.url), {
      type: 'module',
      name: 'sandbase-run',
    })
    const { url, anonKey, serviceRoleKey } = await target.catch((error) => {
      worker.terminate()
      throw error
    })
    onStorage(sessionItems)
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
        if (data.type === 'storage-set') {
          saveSessionItem(data.key, data.value)
          onStorage(sessionItems)
        }
        if (data.type !== 'ready') return
        markMoment('spare-ready')
        resolve(worker)
      }
      // A worker that failed to load still resolves: its Run then ends by the time limit.
      worker.onerror = () => resolve(worker)
    })
  }

  async function reset(): Promise<void> {
    boot()
    sessionItems = {}
    // The spares were prepared with the old session; fresh ones start with none.
    dropSpares()
    stopCurrent()
    setState({ run: createRun(), inbox: [] })
    continueInBackground()
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
    prepareCompiler: requestCompiler,
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

function afterNextPaint(callback: () => void): void {
  if (typeof requestAnimationFrame !== 'function') return void setTimeout(callback, 0)
  // A frame's callbacks run before it paints; a task queued from one runs after.
  requestAnimationFrame(() => setTimeout(callback, 0))
}

function terminateWhenReady({ worker }: Spare): void {
  worker.then(
    (ready) => ready.terminate(),
    () => {},
  )
}

function hasEnded({ status }: Run): boolean {
  return status === 'done' || status === 'failed' || status === 'stopped'
}

function hasUncaught(run: Run): boolean {
  return run.console.some(({ kind }) => kind === 'uncaught')
}
