/**
 * User Workers prepared for the next Runs while the reader reads: each loads supabase-js,
 * creates its client and connects its bridge to the emulator Worker before it is needed, so
 * a Run starts without those delays.
 */
import { markMoment } from './marks.ts'
import type { FromUser, ToUser } from './protocol.ts'

/** What a user Worker needs to know of the project it talks to. */
export interface Project {
  url: string
  anonKey: string
  serviceRoleKey: string
}

/** What the pool needs of the page. */
export interface SparePoolHost {
  /** Hands the emulator Worker its end of a user Worker's bridge. */
  connect(port: MessagePort): void
  /** The page's session store as it is now; a new object after every change. */
  getSession(): Record<string, string>
  saveSessionItem(key: string, value: string | null): void
  /** A spare is ready (or failed to load): the page may prepare the next. */
  onSettled(): void
}

export interface SparePool {
  size(): number
  isPreparing(): boolean
  /** Prepares one more spare for `target`, once it answers. */
  add(target: Promise<Project>): void
  /** A worker prepared with the current session: a spare, or else a new one. */
  take(target: Project): Promise<Worker>
  /** Throws the spares away (their session or their project is gone). */
  drop(): void
}

/** A user Worker being prepared for a Run, and the session it was given. */
interface Spare {
  worker: Promise<Worker>
  storage: Record<string, string>
}

/** Creates an empty pool; the page decides when to add. */
export function createSparePool(host: SparePoolHost): SparePool {
  let spares: Spare[] = []
  let isPreparing = false
  // Bumped by drop(), whose spares are thrown away, so their late readiness is ignored.
  let generation = 0

  function add(target: Promise<Project>): void {
    const spare = prepareUserWorker(target)
    const addedIn = generation
    spares.push(spare)
    isPreparing = true
    const onSettled = () => {
      if (addedIn !== generation) return
      isPreparing = false
      host.onSettled()
    }
    spare.worker.then(onSettled, onSettled)
  }

  function take(target: Project): Promise<Worker> {
    for (let spare = spares.shift(); spare; spare = spares.shift()) {
      // One prepared before the session last changed would run with the old session.
      if (spare.storage === host.getSession()) return spare.worker
      terminateWhenReady(spare)
    }
    return prepareUserWorker(Promise.resolve(target)).worker
  }

  function drop(): void {
    generation += 1
    isPreparing = false
    spares.forEach(terminateWhenReady)
    spares = []
  }

  function prepareUserWorker(target: Promise<Project>): Spare {
    const spare: Spare = {
      storage: host.getSession(),
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
    const storage = host.getSession()
    onStorage(storage)
    const channel = new MessageChannel()
    host.connect(channel.port1)
    const prepare: ToUser = {
      type: 'prepare',
      url,
      anonKey,
      serviceRoleKey,
      port: channel.port2,
      storage,
    }
    worker.postMessage(prepare, [channel.port2])

    return new Promise((resolve) => {
      worker.onmessage = ({ data }: MessageEvent<FromUser>) => {
        // Recovering a stored session may already rotate its tokens.
        if (data.type === 'storage-set') {
          host.saveSessionItem(data.key, data.value)
          onStorage(host.getSession())
        }
        if (data.type !== 'ready') return
        markMoment('spare-ready')
        resolve(worker)
      }
      // A worker that failed to load still resolves: its Run then ends by the time limit.
      worker.onerror = () => resolve(worker)
    })
  }

  return { size: () => spares.length, isPreparing: () => isPreparing, add, take, drop }
}

function terminateWhenReady({ worker }: Spare): void {
  worker.then(
    (ready) => ready.terminate(),
    () => {},
  )
}
