/**
 * The page's emulator Worker, started as early as the page allows: a small script of the
 * lesson page starts it while the page is still loading, well before the Playground island
 * has loaded React, and the runner takes it over. What the Worker says before the runner
 * listens is kept for it.
 */
import { markMoment } from './marks.ts'
import type { FromEmulator, ToEmulator } from './protocol.ts'
import { fetchSnapshot, getSnapshotUrl } from './snapshot.ts'

export interface ProjectWorker {
  /** When the Worker was started (the page's clock). */
  startedAt: number
  post(message: ToEmulator, transfer?: Transferable[]): void
  /** Hands every message to `listener`, those that came before it first. */
  listen(listener: (message: FromEmulator) => void): void
  terminate(): void
}

const started = new Map<string, ProjectWorker>()

/** Starts the emulator Worker for `dataset`, once per page, and boots it from its snapshot. */
export function startProjectWorker(dataset: string): ProjectWorker {
  const existing = started.get(dataset)
  if (existing) return existing

  markMoment('boot')
  const worker = new Worker(new URL('./emulator-worker.ts', import.meta.url), {
    type: 'module',
    name: 'sandbase-emulator',
  })
  // The Worker's own code loads while the page downloads the snapshot.
  void fetchSnapshot(getSnapshotUrl(dataset)).then((bytes) => {
    markMoment('snapshot-fetched')
    const boot: ToEmulator = { type: 'boot', dataset, snapshot: bytes }
    worker.postMessage(boot, bytes ? [bytes] : [])
  })

  const early: FromEmulator[] = []
  let listener: ((message: FromEmulator) => void) | null = null
  worker.onmessage = ({ data }: MessageEvent<FromEmulator>) =>
    listener ? listener(data) : early.push(data)

  const project: ProjectWorker = {
    startedAt: performance.now(),
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    listen(next) {
      listener = next
      early.splice(0).forEach(next)
    },
    terminate: () => worker.terminate(),
  }
  started.set(dataset, project)
  return project
}

/**
 * Ends the emulator Worker of `dataset`, however busy it is, and starts a fresh one from the
 * same snapshot (downloaded again; the browser's cache usually has it).
 */
export function restartProjectWorker(dataset: string): ProjectWorker {
  started.get(dataset)?.terminate()
  started.delete(dataset)
  return startProjectWorker(dataset)
}
