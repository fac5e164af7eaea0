/**
 * `createEmulator` assembles one in-page Supabase project: PGlite booted as a new project,
 * the gateway, and the services behind it, reachable through a standard `fetch`.
 */
import type { PGlite } from '@electric-sql/pglite'
import { bootDatabase } from './db.ts'
import { loadDatasetSql } from './datasets.ts'
import { createProjectKeys, DEFAULT_JWT_SECRET, type ProjectKeys } from './keys.ts'
import { createTracer, type Tracer, type TraceListener } from './trace.ts'
import { routeRequest, type Services } from './router.ts'
import { createResponse, readResponseText, type ServiceRequest } from './http.ts'
import { readFetchRequest } from './fetch-request.ts'
import { createRestService } from './rest/index.ts'
import { createAuthService } from './auth/index.ts'
import type { ServiceContext } from './context.ts'

export const DEFAULT_URL = 'http://localhost:54321'

export interface EmulatorOptions {
  /** A dataset from `content/datasets/`, run after the bootstrap. */
  dataset?: string
  /** More SQL, run after the dataset, as the project owner would in the SQL editor. */
  sql?: string
  /** A prebuilt `dumpDataDir` of the same dataset and SQL: boots without initdb. */
  snapshot?: Blob
  jwtSecret?: string
  url?: string
}

export interface Emulator {
  url: string
  anonKey: string
  serviceRoleKey: string
  jwtSecret: string
  fetch: typeof fetch
  trace: { subscribe(listener: TraceListener): () => void }
  /** The PGlite instance; a new one after each reset. */
  readonly db: PGlite
  /** Restores the data the project booted with. */
  reset(): Promise<void>
  /** Dumps the current database, for snapshots. */
  dump(): Promise<Blob>
  close(): Promise<void>
}

// Booting from a snapshot skips initdb, so in one process each distinct setup is built once.
const snapshotCache = new Map<string, Promise<Blob>>()

/** Boots an in-page Supabase project. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { dataset, sql, jwtSecret = DEFAULT_JWT_SECRET, url = DEFAULT_URL } = options
  const cacheKey = JSON.stringify([dataset ?? null, sql ?? null])
  const snapshot = options.snapshot ?? (await getSnapshot(cacheKey, dataset, sql))

  const keys = await createProjectKeys(jwtSecret)
  const tracer = createTracer()
  let db = await bootDatabase({ snapshot })

  const context: ServiceContext = { getDb: () => db, tracer, keys, url, onReset: new Set() }
  const services: Services = {
    rest: createRestService(context),
    auth: createAuthService(context),
  }

  return {
    url,
    anonKey: keys.anonKey,
    serviceRoleKey: keys.serviceRoleKey,
    jwtSecret,
    fetch: createFetch(url, services, keys, tracer),
    trace: { subscribe: (listener) => tracer.subscribe(listener) },
    get db() {
      return db
    },
    async reset() {
      await db.close()
      db = await bootDatabase({ snapshot })
      context.onReset.forEach((listener) => listener())
    },
    dump: () => dumpDatabase(db),
    close: () => db.close(),
  }
}

function getSnapshot(cacheKey: string, dataset?: string, sql?: string): Promise<Blob> {
  let snapshot = snapshotCache.get(cacheKey)
  if (!snapshot) {
    snapshot = buildSnapshot(dataset, sql)
    snapshotCache.set(cacheKey, snapshot)
    snapshot.catch(() => snapshotCache.delete(cacheKey))
  }
  return snapshot
}

/** Boots with initdb, runs the bootstrap, dataset and SQL, and dumps the result. */
export async function buildSnapshot(dataset?: string, sql?: string): Promise<Blob> {
  const scripts = [dataset ? await loadDatasetSql(dataset) : '', sql ?? ''].filter(Boolean)
  const db = await bootDatabase({ sql: scripts })
  try {
    return await dumpDatabase(db)
  } finally {
    await db.close()
  }
}

/** A gzipped tarball of the database, to boot another one from. */
async function dumpDatabase(db: PGlite): Promise<Blob> {
  // Without a checkpoint, a database booted from the dump replays its write-ahead log and
  // sequences jump ahead (the next id after 5 would be 34).
  await db.exec('checkpoint')
  return db.dumpDataDir('gzip')
}

function createFetch(url: string, services: Services, keys: ProjectKeys, tracer: Tracer) {
  const origin = new URL(url).origin

  return async function emulatorFetch(
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> {
    const request = await readFetchRequest(input, init)
    const requestUrl = request.url
    // An empty body is shown and handled as none.
    const body = request.body || null
    const requestId = tracer.nextRequestId()
    const started = performance.now()

    tracer.emit({
      type: 'http-request',
      requestId,
      method: request.method,
      url: requestUrl.pathname + requestUrl.search,
      headers: request.headers,
      body,
    })

    const serviceRequest: ServiceRequest = { requestId, ...request, body }
    const response =
      requestUrl.origin === origin
        ? await routeSafely(serviceRequest, services, keys)
        : createResponse(502, JSON.stringify({ message: 'Sandbase only serves ' + origin }))

    const responseBody = request.method === 'HEAD' ? null : await readResponseText(response)
    const responseHeaders: Record<string, string> = {}
    response.headers.forEach((value, name) => (responseHeaders[name] = value))
    tracer.emit({
      type: 'http-response',
      requestId,
      status: response.status,
      statusText: response.statusText,
      headers: responseHeaders,
      body: responseBody || null,
      durationMs: performance.now() - started,
    })
    return response
  } as typeof fetch
}

// A bug in a service must surface as a 500 the reader can see, not a rejected fetch.
async function routeSafely(
  request: ServiceRequest,
  services: Services,
  keys: ProjectKeys,
): Promise<Response> {
  try {
    return await routeRequest(request, services, keys)
  } catch (error) {
    const { message } = error as Error
    return createResponse(500, JSON.stringify({ message: `Sandbase emulator error: ${message}` }), {
      'content-type': 'application/json',
    })
  }
}
