import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { decodeJwt } from 'jose'
import type { Emulator } from '../../../src/emulator/index.ts'
import { EmulatorSocket } from '../../../src/emulator/realtime/transport.ts'
import type { InboxMessage } from '../../../src/emulator/auth/index.ts'

let counter = 0

/** A unique address per call, so tests sharing a project never collide. */
export function uniqueEmail(name = 'user'): string {
  counter += 1
  return `${name}.${Date.now()}.${counter}@example.com`
}

/** A unique E.164 phone number. */
export function uniquePhone(): string {
  counter += 1
  return `+1555${String(Date.now() % 1_000_000).padStart(6, '0')}${counter % 10}`
}

/** A browser-like client with its own in-memory session, as one signed-in user would have. */
export function createUserClient(
  emulator: Emulator,
  auth: { flowType?: 'implicit' | 'pkce' } = {},
): SupabaseClient {
  return createClient(emulator.url, emulator.anonKey, {
    global: { fetch: emulator.fetch },
    realtime: { transport: EmulatorSocket as never },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false, ...auth },
  })
}

/** Reads Sandbase's inbox for one address, newest first. */
export async function readInbox(emulator: Emulator, to: string): Promise<InboxMessage[]> {
  const response = await emulator.fetch(
    `${emulator.url}/auth/v1/__sandbase/inbox?to=${encodeURIComponent(to)}`,
    { headers: { apikey: emulator.anonKey } },
  )
  return response.json()
}

/** Calls an auth endpoint directly, as auth-js would, and returns status, headers and body. */
export async function callAuth(
  emulator: Emulator,
  method: string,
  path: string,
  options: {
    token?: string
    body?: unknown
    rawBody?: string
    headers?: Record<string, string>
  } = {},
) {
  const headers: Record<string, string> = {
    apikey: emulator.anonKey,
    'content-type': 'application/json',
    'x-supabase-api-version': '2024-01-01',
    ...options.headers,
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  const body =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
  const response = await emulator.fetch(`${emulator.url}/auth/v1${path}`, { method, headers, body })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  }
}

/** The claims of an access token, unverified. */
export function readClaims(token: string) {
  return decodeJwt(token) as Record<string, unknown>
}

/** Changes one project auth setting, as a lesson would with SQL. */
export async function setAuthSetting(emulator: Emulator, column: string, value: unknown) {
  await emulator.db.query(`update auth.sandbase_config set ${column} = $1`, [value])
}
