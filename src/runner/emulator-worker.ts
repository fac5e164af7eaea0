/**
 * The page's emulator Worker: one in-page Supabase project that lives as long as the page,
 * so user Workers can be killed without losing the database. It boots from the dataset's
 * prebuilt snapshot, answers fetches bridged from user Workers, and forwards trace events.
 */
import { createEmulator, type Emulator } from '../emulator/index.ts'
import type { BridgeRequest, BridgeResponse, FromEmulator, ToEmulator } from './protocol.ts'
import { serializeError } from './serialize.ts'
import { toSnapshotBlob } from './snapshot.ts'

// Requests that arrive while the project is still booting wait for it; so do those of a
// user Worker connected before the page posted `boot` (when it restarts the project, say).
let startBoot: (project: Promise<Emulator>) => void
let emulator = new Promise<Emulator>((resolve) => (startBoot = resolve))
// Off while the worker warms the project up, so the reader sees only their own requests.
let isForwarding = false

const scope = self as unknown as DedicatedWorkerGlobalScope

function post(message: FromEmulator): void {
  scope.postMessage(message)
}

scope.onmessage = ({ data }: MessageEvent<ToEmulator>) => {
  switch (data.type) {
    case 'boot':
      startBoot(bootProject(data.dataset, data.snapshot && toSnapshotBlob(data.snapshot)))
      return
    case 'connect':
      data.port.onmessage = ({ data: request }: MessageEvent<BridgeRequest>) =>
        answerFetch(data.port, request)
      return
    case 'reset':
      void resetProject(data.id)
      return
  }
}

async function bootProject(dataset: string, snapshot: Blob | null): Promise<Emulator> {
  try {
    post({ type: 'boot-progress', step: snapshot ? 'starting-postgres' : 'creating-project' })
    // Without a snapshot (the dev server before `build:snapshots` ran) the project is built
    // with initdb and the dataset's SQL: correct, only slower.
    const project = await createEmulator({
      ...(dataset !== 'empty' && { dataset }),
      ...(snapshot && { snapshot }),
    })
    project.trace.subscribe((event) => isForwarding && post({ type: 'trace', event }))

    // The page may prepare a Run now: its requests wait for the warm-up (see answerFetch).
    const { url, anonKey, serviceRoleKey } = project
    post({ type: 'booted', url, anonKey, serviceRoleKey, fromSnapshot: Boolean(snapshot) })
    await warmUp(project)
    return project
  } catch (error) {
    post({ type: 'boot-failed', error: serializeError(error) })
    throw error
  }
}

async function resetProject(id: number): Promise<void> {
  try {
    const project = await emulator
    // Requests that arrive meanwhile wait for the fresh database instead of the closing one.
    const restored = project.reset().then(() => warmUp(project))
    emulator = restored.then(() => project)
    await restored
    post({ type: 'reset-done', id })
  } catch (error) {
    post({ type: 'reset-done', id, error: serializeError(error) })
  }
}

// The first request after a boot loads the REST schema cache and wakes Postgres up; doing it
// while the reader reads keeps that time out of their first Run (or, when they press Run at
// once, lets it overlap with preparing the Run).
async function warmUp(project: Emulator): Promise<void> {
  isForwarding = false
  try {
    // Any relation name loads the schema cache; this one answers 404.
    const url = `${project.url}/rest/v1/sandbase_warm_up`
    await project.fetch(url, { headers: { apikey: project.anonKey } })
  } finally {
    isForwarding = true
  }
}

async function answerFetch(port: MessagePort, request: BridgeRequest): Promise<void> {
  const { id, method, url, headers, body } = request
  try {
    const project = await emulator
    const response = await project.fetch(url, { method, headers, body })
    const responseBody = await response.arrayBuffer()
    const answer: BridgeResponse = {
      type: 'fetch-response',
      id,
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      body: responseBody.byteLength > 0 ? responseBody : null,
    }
    port.postMessage(answer, answer.body ? [answer.body] : [])
  } catch (error) {
    port.postMessage({
      type: 'fetch-error',
      id,
      error: serializeError(error),
    } satisfies BridgeResponse)
  }
}
