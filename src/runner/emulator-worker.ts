/**
 * The page's emulator Worker: one in-page Supabase project that lives as long as the page,
 * so user Workers can be killed without losing the database. It boots from the dataset's
 * prebuilt snapshot, answers fetches bridged from user Workers, and forwards trace events.
 */
import { createEmulator, type Emulator } from '../emulator/index.ts'
import type { BridgeRequest, BridgeResponse, FromEmulator, ToEmulator } from './protocol.ts'
import { serializeError } from './serialize.ts'

// Requests that arrive while the project is still booting wait for it.
let emulator: Promise<Emulator> | null = null
// Off while the worker warms the project up, so the reader sees only their own requests.
let isForwarding = false

const scope = self as unknown as DedicatedWorkerGlobalScope

function post(message: FromEmulator): void {
  scope.postMessage(message)
}

scope.onmessage = ({ data }: MessageEvent<ToEmulator>) => {
  switch (data.type) {
    case 'boot':
      emulator = bootProject(data.dataset, data.snapshotUrl)
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

async function bootProject(dataset: string, snapshotUrl: string): Promise<Emulator> {
  try {
    post({ type: 'boot-progress', step: 'fetching-snapshot' })
    const snapshot = await fetchSnapshot(snapshotUrl)

    post({ type: 'boot-progress', step: snapshot ? 'starting-postgres' : 'creating-project' })
    // Without a snapshot (the dev server before `build:snapshots` ran) the project is built
    // with initdb and the dataset's SQL: correct, only slower.
    const project = await createEmulator({
      ...(dataset !== 'empty' && { dataset }),
      ...(snapshot && { snapshot }),
    })
    project.trace.subscribe((event) => isForwarding && post({ type: 'trace', event }))
    await warmUp(project)

    const { url, anonKey, serviceRoleKey } = project
    post({ type: 'booted', url, anonKey, serviceRoleKey, fromSnapshot: Boolean(snapshot) })
    return project
  } catch (error) {
    post({ type: 'boot-failed', error: serializeError(error) })
    throw error
  }
}

async function fetchSnapshot(url: string): Promise<Blob | null> {
  const response = await fetch(url).catch(() => null)
  if (!response?.ok) return null
  // PGlite picks gunzip by the Blob's type. Some servers send the file with
  // `Content-Encoding: gzip`, so the browser has already unpacked it: look at the bytes.
  const bytes = new Uint8Array(await response.arrayBuffer())
  const isGzip = bytes[0] === 0x1f && bytes[1] === 0x8b
  return new Blob([bytes], { type: isGzip ? 'application/gzip' : 'application/x-tar' })
}

async function resetProject(id: number): Promise<void> {
  try {
    const project = await requireProject()
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
// here keeps that second out of the reader's first Run.
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

function requireProject(): Promise<Emulator> {
  if (!emulator) throw new Error('The emulator Worker got a request before "boot"')
  return emulator
}

async function answerFetch(port: MessagePort, request: BridgeRequest): Promise<void> {
  const { id, method, url, headers, body } = request
  try {
    const project = await requireProject()
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
