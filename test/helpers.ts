import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { EmulatorSocket } from '../src/emulator/realtime/transport.ts'
import { createEmulator, type Emulator, type EmulatorOptions } from '../src/emulator/index.ts'

export interface Project {
  emulator: Emulator
  /** A client with the anon key, as a browser app would have. */
  anon: SupabaseClient
  /** A client with the service_role key, as a server would have. */
  service: SupabaseClient
}

/** Boots an emulator and makes anon and service-role clients for it. */
export async function createProject(options: EmulatorOptions = {}): Promise<Project> {
  const emulator = await createEmulator(options)
  const clientOptions = {
    global: { fetch: emulator.fetch },
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: EmulatorSocket as never },
  }
  return {
    emulator,
    anon: createClient(emulator.url, emulator.anonKey, clientOptions),
    service: createClient(emulator.url, emulator.serviceRoleKey, clientOptions),
  }
}

/** A raw request to the project's REST API with the anon key and a JSON content type. */
export function fetchRest(project: Project, path: string, init: RequestInit = {}) {
  const { emulator } = project
  return emulator.fetch(`${emulator.url}/rest/v1/${path}`, {
    ...init,
    headers: { apikey: emulator.anonKey, 'content-type': 'application/json' },
  })
}
