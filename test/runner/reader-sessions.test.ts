import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from '../../src/emulator/index.ts'
import { runExampleInNode } from '../../src/runner/node-run.ts'

// supabase-js's default storage key: `sb-` + the first label of the project's host name +
// `-auth-token`; the in-page project lives at http://localhost:54321.
const DEFAULT_KEY = 'sb-localhost-auth-token'

const HEADER = `import { createClient } from '@supabase/supabase-js'
const url = process.env.SUPABASE_URL
const anonKey = process.env.SUPABASE_ANON_KEY
const serviceKey = process.env.SUPABASE_SERVICE_ROLE_KEY
const emailOf = async (client) => (await client.auth.getSession()).data.session?.user.email ?? null
`
const SIGN_IN_ADA = `await client.auth.signInWithPassword({
  email: 'ada@example.com',
  password: 'lovelace-1815',
})`

let emulator: Emulator
beforeAll(async () => {
  emulator = await createEmulator({ dataset: 'auth' })
})
afterAll(() => emulator.close())

async function run(code: string, sessionItems: Record<string, string>) {
  const result = await runExampleInNode(emulator, HEADER + code, { sessionItems })
  expect(result.error).toBeUndefined()
  return result.logs
}

describe('sessions of clients the reader creates', () => {
  test('are still there when the client is created again in the next Run', async () => {
    const page: Record<string, string> = {}
    await run(`const client = createClient(url, anonKey)\n${SIGN_IN_ADA}`, page)
    expect(Object.keys(page)).toEqual([DEFAULT_KEY])

    const logs = await run(`const client = createClient(url, anonKey)
console.log(await emailOf(client))`, page)
    expect(logs).toEqual([['ada@example.com']])
  })

  test('are gone after a Reset, which empties the page store', async () => {
    const page: Record<string, string> = {}
    await run(`const client = createClient(url, anonKey)\n${SIGN_IN_ADA}`, page)
    const afterReset = await run(`const client = createClient(url, anonKey)
console.log(await emailOf(client))`, {})
    expect(afterReset).toEqual([[null]])
  })

  test('are shared with the ready client under the default storage key', async () => {
    const logs = await run(`const client = createClient(url, anonKey)
${SIGN_IN_ADA}
console.log(await emailOf(supabase))`, {})
    expect(logs).toEqual([['ada@example.com']])
  })

  test('stay apart for two clients with different storage keys', async () => {
    const page: Record<string, string> = {}
    const logs = await run(`const ada = createClient(url, anonKey, { auth: { storageKey: 'ada' } })
await ada.auth.signInWithPassword({ email: 'ada@example.com', password: 'lovelace-1815' })
const grace = createClient(url, anonKey, { auth: { storageKey: 'grace' } })
await grace.auth.signInWithPassword({ email: 'grace@example.com', password: 'hopper-1906' })
console.log(await emailOf(ada), await emailOf(grace), await emailOf(supabase))`, page)
    expect(logs).toEqual([['ada@example.com', 'grace@example.com', null]])
    expect(Object.keys(page).sort()).toEqual(['ada', 'grace'])
  })

  test('are not kept by a client created with persistSession: false', async () => {
    const page: Record<string, string> = {}
    const code = `const client = createClient(url, anonKey, { auth: { persistSession: false } })
console.log(await emailOf(client))
${SIGN_IN_ADA}
console.log(await emailOf(client))`
    expect(await run(code, page)).toEqual([[null], ['ada@example.com']])
    expect(page).toEqual({})
    expect(await run(code.split('\n').slice(0, 2).join('\n'), page)).toEqual([[null]])
  })

  test('never reach a service-role client created without persistence', async () => {
    const page: Record<string, string> = {}
    // Ada is signed in on the page; the service role still sees every note, not only hers.
    await run(`const client = supabase\n${SIGN_IN_ADA}`, page)
    const logs = await run(`const admin = createClient(url, serviceKey, {
  auth: { autoRefreshToken: false, persistSession: false },
})
const mine = await supabase.from('notes').select('body')
const all = await admin.from('notes').select('body')
console.log(mine.data.length, all.data.length)`, page)
    // Ada owns two of the dataset's three notes (see the auth overview lesson).
    expect(logs).toEqual([[2, 3]])
  })

  test('reach a service-role client that persists, which then runs as the user', async () => {
    // The pitfall the auth overview warns of: the stored session's token replaces the key.
    const page: Record<string, string> = {}
    await run(`const client = supabase\n${SIGN_IN_ADA}`, page)
    const logs = await run(`const admin = createClient(url, serviceKey)
const all = await admin.from('notes').select('body')
console.log(all.data.length)`, page)
    expect(logs).toEqual([[2]])
  })
})
