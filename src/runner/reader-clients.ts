/**
 * Clients the reader creates with `createClient()` keep their session where a browser's
 * supabase-js keeps it: in one store shared by the page (localStorage on a real site), under
 * the client's `storageKey` (by default `sb-<project ref>-auth-token`). A client created
 * again in the next Run with the same key is therefore still signed in, until Reset.
 */
import type * as Sdk from '@supabase/supabase-js'
import type { SessionStorage } from './user-runtime.ts'

type CreateClient = typeof Sdk.createClient
type ClientOptions = NonNullable<Parameters<CreateClient>[2]>

// Not yet: clients built with `new SupabaseClient()` instead of createClient(); they get no
// page storage and keep their session in memory for one Run.

/** Wraps `createClient` so clients without a storage of their own use `storage`. */
export function withPageStorage(createClient: CreateClient, storage: SessionStorage): CreateClient {
  return ((url: string, key: string, options: ClientOptions = {}) =>
    createClient(url, key, withDefaultStorage(options, storage))) as CreateClient
}

/** The options a reader passed, with the page's storage when they chose none. */
export function withDefaultStorage(options: ClientOptions, storage: SessionStorage): ClientOptions {
  const { auth = {} } = options
  // A client told to persist nothing (the service-role pattern) or given its own storage
  // keeps exactly what the reader asked for.
  if (auth.persistSession === false || auth.storage) return options
  return { ...options, auth: { ...auth, storage } }
}
