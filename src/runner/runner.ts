/**
 * The page side of the runner, and the whole interface the Playground island uses: boot,
 * run, reset and subscribe. It owns the emulator Worker (one per page, kept alive) and a
 * fresh user Worker per Run, and turns their messages into one observable state.
 */
import { compile, isCompiled, loadCompiler, rememberCompiled } from './compiler.ts'
import { markMoment } from './marks.ts'
import { restartProjectWorker, startProjectWorker, type ProjectWorker } from './project-worker.ts'
import type { ConsentAnswer, FromUser, SerializedError, ToEmulator, ToUser } from './protocol.ts'
import { describeRestart, type ProjectRestart } from './restart.ts'
import { createRunnerStore, type BootState, type RunnerState } from './runner-state.ts'
import { createSparePool, type Project } from './spare-workers.ts'
import { addConsoleLine, addTraceEvent, createRun, endRun, type Run } from './timeline.ts'
import { createWatchdog, type InFlightRequest } from './watchdog.ts'

/** A Run that has not ended after this long is stopped by terminating its Worker. */
export const RUN_TIME_LIMIT_MS = 5_000

// How long the page must have had no Run before esbuild-wasm loads unasked: compiling its
// wasm keeps both cores of a small machine busy for a few seconds.
const COMPILER_DELAY_MS = 2_000

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

  const store = createRunnerStore()
  const setState = store.set
  let emulatorWorker: ProjectWorker | null = null
  let project: Promise<Project> | null = null
  let booted: Project | null = null
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
  // Workers for the next Runs, prepared while the reader reads, one at a time.
  const spares = createSparePool({
    connect: (port) => postToEmulator({ type: 'connect', port }, [port]),
    getSession: () => sessionItems,
    saveSessionItem,
    onSettled: () => continueInBackground(),
  })
  const watchdog = createWatchdog(restartProject)

  const setBoot = (boot: Partial<BootState>) => setState({ boot: { ...store.state.boot, ...boot } })
  const updateRun = (update: (run: Run) => Run) => setState({ run: update(store.state.run) })

  // Everything starts at once but in order of need: the snapshot download and the emulator
  // Worker first, then the user Worker's SDK; esbuild-wasm waits until they are done.
  function boot(): void {
    if (emulatorWorker) return
    setBoot({ phase: 'booting', step: 'fetching-snapshot' })
    // The lesson page's own script may have started it already.
    listenTo(startProjectWorker(dataset))
  }

  function listenTo(worker: ProjectWorker): void {
    emulatorWorker = worker
    booted = null
    const { startedAt } = worker
    project = new Promise((resolve, reject) => {
      worker.listen((data) => {
        // A restarted project's last words are not the new one's.
        if (worker !== emulatorWorker) return
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
            watchdog.observe(data.event)
            if (data.event.type === 'http-request') markMoment('request')
            if (data.event.type === 'http-response') markMoment('response')
            if (data.event.type === 'email' || data.event.type === 'sms') {
              setState({ inbox: [...store.state.inbox, data.event] })
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
    spares.add(project)
  }

  // PGlite never cancels a statement, so one that runs past its statement timeout holds the
  // emulator Worker for good: the page ends that Worker and boots a fresh one from the same
  // snapshot, as Reset would, and answers what was waiting on the old one.
  function restartProject(timedOut: InFlightRequest, inFlight: InFlightRequest[]): void {
    const { method, url } = timedOut
    const answer: ToUser = { type: 'project-restarted', timedOut: { method, url } }
    current?.worker.postMessage(answer)
    const restart: ProjectRestart = { role: timedOut.role, timeoutMs: timedOut.timeoutMs }
    const now = performance.now()
    const run = describeRestart(store.state.run, { timedOut, inFlight, restart, now })

    // Like Reset: the sessions and messages were of users the snapshot does not have.
    sessionItems = {}
    spares.drop()
    resets.forEach((resolve) => resolve())
    resets.clear()
    setState({ run, inbox: [] })
    setBoot({ phase: 'booting', step: null, restart })
    listenTo(restartProjectWorker(dataset))
  }

  // After the boot and as Runs take workers, in order of need: spare workers, one at a time,
  // then esbuild-wasm, about 10 MB of wasm to compile, once no Run has run for a while (or
  // as soon as the reader edits); the examples need no compiler.
  function continueInBackground(): void {
    if (!booted || spares.isPreparing()) return
    if (spares.size() < SPARE_WORKERS) return spares.add(Promise.resolve(booted))
    if (current || store.state.run.status === 'compiling' || isCompilerRequested) return
    clearTimeout(compilerTimer)
    compilerTimer = setTimeout(() => {
      if (!current && store.state.run.status !== 'compiling') requestCompiler()
    }, COMPILER_DELAY_MS)
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
    setState({ run: createRun('compiling'), runCount: store.state.runCount + 1 })
    if (store.state.boot.restart) setBoot({ restart: null })

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
      const message = store.state.boot.error?.message ?? 'the project did not start'
      updateRun((run) => addConsoleLine(run, { kind: 'emulator-error', message }))
      updateRun((run) => endRun(run, 'failed', performance.now() - started))
      return
    }
    // A newer Run may have started while this one compiled.
    if (store.state.run.status !== 'compiling') return
    markMoment('compiled')

    const servedBy = emulatorWorker
    const next = spares.take(target)
    // Runs in quick succession would otherwise each wait for a fresh worker.
    if (spares.size() === 0) continueInBackground()
    let worker = await next
    // The project restarted while the worker got ready: its bridge leads to the old one.
    if (emulatorWorker !== servedBy) {
      worker.terminate()
      worker = await spares.take(target)
    }
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
          return finish(worker, hasUncaught(store.state.run) ? 'failed' : 'done')
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
    if (store.state.consent) setState({ consent: null })
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
    if (store.state.consent) setState({ consent: null })
  }

  function startTimeLimit(): void {
    if (!current) return
    const { worker, timeLeft } = current
    current.timerStarted = performance.now()
    current.timer = setTimeout(() => {
      finish(worker, 'stopped')
      // Ending the Run's worker does not end a statement it started on the project.
      const isProjectBusy = watchdog.isWatching()
      const seconds = RUN_TIME_LIMIT_MS / 1000
      updateRun((run) => addConsoleLine(run, { kind: 'stopped', seconds, isProjectBusy }))
    }, timeLeft)
  }

  function pauseTimeLimit(): void {
    if (!current) return
    clearTimeout(current.timer)
    current.timeLeft -= performance.now() - current.timerStarted
  }

  function answerConsent(id: number, answer: ConsentAnswer): void {
    // A second click on a card that is going away must not answer the card after it.
    if (!current || store.state.consent?.id !== id) return
    current.worker.postMessage({ type: 'consent-answer', answer } satisfies ToUser)
    setState({ consent: null })
    startTimeLimit()
  }

  function saveSessionItem(key: string, value: string | null): void {
    const { [key]: _, ...others } = sessionItems
    sessionItems = value === null ? others : { ...others, [key]: value }
  }

  async function reset(): Promise<void> {
    boot()
    sessionItems = {}
    // The spares were prepared with the old session; fresh ones start with none.
    spares.drop()
    stopCurrent()
    setState({ run: createRun(), inbox: [] })
    if (store.state.boot.restart) setBoot({ restart: null })
    continueInBackground()
    await project!.catch(() => {})
    if (store.state.boot.phase !== 'ready') return

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
    subscribe: store.subscribe,
    getState: () => store.state,
  }
}

function afterNextPaint(callback: () => void): void {
  if (typeof requestAnimationFrame !== 'function') return void setTimeout(callback, 0)
  // A frame's callbacks run before it paints; a task queued from one runs after.
  requestAnimationFrame(() => setTimeout(callback, 0))
}

function hasUncaught(run: Run): boolean {
  return run.console.some(({ kind }) => kind === 'uncaught')
}
