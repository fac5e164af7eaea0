import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createEmulator, type Emulator } from '../../src/emulator/index.ts'
import { EmulatorSocket } from '../../src/emulator/realtime/transport.ts'
import {
  createOpenInBrowser,
  type ConsentAnswer,
  type ConsentScreen,
} from '../../src/runner/open-in-browser.ts'
import { runExampleInNode } from '../../src/runner/node-run.ts'

const CALLBACK = 'http://localhost:3000/auth/callback'

let emulator: Emulator
beforeAll(async () => {
  emulator = await createEmulator({ dataset: 'auth' })
})
afterAll(() => emulator.close())

function createAppClient(options: { flowType?: 'pkce' | 'implicit' } = {}): SupabaseClient {
  return createClient(emulator.url, emulator.anonKey, {
    global: { fetch: emulator.fetch },
    auth: { persistSession: false, autoRefreshToken: false, ...options },
    realtime: { transport: EmulatorSocket as never },
  })
}

/** An openInBrowser whose consent screens are answered by `answer`, each one recorded. */
function createBrowser(answer: (screen: ConsentScreen) => ConsentAnswer) {
  const screens: ConsentScreen[] = []
  const openInBrowser = createOpenInBrowser({
    fetch: emulator.fetch,
    projectUrl: emulator.url,
    decide: async (screen) => {
      screens.push(screen)
      return answer(screen)
    },
  })
  return { openInBrowser, screens }
}

const approve = (screen: ConsentScreen): ConsentAnswer => ({ approve: true, email: screen.email })
const deny = (): ConsentAnswer => ({ approve: false })

function readClaims(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString())
}

async function startOAuth(client: SupabaseClient, scopes?: string): Promise<string> {
  const { data, error } = await client.auth.signInWithOAuth({
    provider: 'github',
    options: { redirectTo: CALLBACK, skipBrowserRedirect: true, scopes },
  })
  expect(error).toBeNull()
  return data.url!
}

describe('openInBrowser', () => {
  test('shows the consent screen with the provider, scopes, return address and email', async () => {
    const { openInBrowser, screens } = createBrowser(approve)
    const url = await startOAuth(createAppClient(), 'read:user repo')
    await openInBrowser(url, { approveAs: 'screen@example.com' })
    expect(screens).toEqual([
      {
        provider: 'github',
        scopes: 'read:user repo',
        redirectTo: CALLBACK,
        email: 'screen@example.com',
        isLinking: false,
      },
    ])
  })

  test('ends on the redirectTo with the session in the fragment after Approve', async () => {
    const { openInBrowser } = createBrowser(approve)
    const back = await openInBrowser(await startOAuth(createAppClient()), {
      approveAs: 'octo.approve@example.com',
    })
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK)
    const fragment = new URLSearchParams(back.hash.slice(1))
    expect(fragment.get('token_type')).toBe('bearer')
    expect(readClaims(fragment.get('access_token')!)).toMatchObject({
      email: 'octo.approve@example.com',
      role: 'authenticated',
    })
  })

  test('approves as the email the reader typed over the pre-filled one', async () => {
    const { openInBrowser } = createBrowser(() => ({ approve: true, email: 'typed@example.com' }))
    const back = await openInBrowser(await startOAuth(createAppClient()), {
      approveAs: 'prefilled@example.com',
    })
    const token = new URLSearchParams(back.hash.slice(1)).get('access_token')!
    expect(readClaims(token).email).toBe('typed@example.com')
  })

  test('ends on the redirectTo with error=access_denied after Deny; nobody signs up', async () => {
    const { openInBrowser } = createBrowser(deny)
    const back = await openInBrowser(await startOAuth(createAppClient()), {
      approveAs: 'said.no@example.com',
    })
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK)
    const fragment = new URLSearchParams(back.hash.slice(1))
    expect(fragment.get('error')).toBe('access_denied')
    expect(fragment.has('access_token')).toBe(false)
    expect(back.searchParams.get('error')).toBe('access_denied')

    const admin = createClient(emulator.url, emulator.serviceRoleKey, {
      global: { fetch: emulator.fetch },
      realtime: { transport: EmulatorSocket as never },
      auth: { persistSession: false, autoRefreshToken: false },
    })
    const { data } = await admin.auth.admin.listUsers()
    expect(data.users.map(({ email }) => email)).not.toContain('said.no@example.com')
  })

  test('brings a PKCE code back that the same client exchanges for a session', async () => {
    const client = createClient(emulator.url, emulator.anonKey, {
      global: { fetch: emulator.fetch },
      realtime: { transport: EmulatorSocket as never },
      auth: { flowType: 'pkce', autoRefreshToken: false, storage: createMemoryStorage() },
    })
    const { openInBrowser } = createBrowser(approve)
    const back = await openInBrowser(await startOAuth(client), { approveAs: 'pkce@example.com' })
    const code = back.searchParams.get('code')
    expect(code).toEqual(expect.any(String))
    expect(back.hash).toBe('')

    const { data, error } = await client.auth.exchangeCodeForSession(code!)
    expect(error).toBeNull()
    expect(data.user?.email).toBe('pkce@example.com')
  })

  test('goes straight to the consent screen from an SSO URL', async () => {
    const { openInBrowser, screens } = createBrowser(approve)
    const { data } = await createAppClient().auth.signInWithSSO({
      domain: 'acme.example',
      options: { redirectTo: CALLBACK },
    })
    const back = await openInBrowser(data!.url, { approveAs: 'wile@acme.example' })
    expect(screens[0].provider).toMatch(/^sso:/)
    const token = new URLSearchParams(back.hash.slice(1)).get('access_token')!
    expect(readClaims(token).email).toBe('wile@acme.example')
  })

  test('tells the consent screen when a signed-in user is linking a provider', async () => {
    const client = createAppClient()
    await client.auth.signInWithPassword({ email: 'grace@example.com', password: 'hopper-1906' })
    const { data } = await client.auth.linkIdentity({
      provider: 'github',
      options: { skipBrowserRedirect: true },
    })
    const { openInBrowser, screens } = createBrowser(approve)
    await openInBrowser(data.url!, { approveAs: 'grace.links@example.org' })
    expect(screens[0].isLinking).toBe(true)

    const { data: identities } = await client.auth.getUserIdentities()
    const github = identities?.identities.find(({ provider }) => provider === 'github')
    expect(github?.identity_data?.email).toBe('grace.links@example.org')
  })

  test('returns a URL outside the project at once, without fetching it', async () => {
    const { openInBrowser, screens } = createBrowser(approve)
    const url = 'http://localhost:3000/elsewhere?x=1'
    expect((await openInBrowser(url)).href).toBe(url)
    expect(screens).toEqual([])
  })
})

describe('openInBrowser in runExampleInNode', () => {
  const example = `const { data } = await supabase.auth.signInWithOAuth({
  provider: 'github',
  options: { redirectTo: '${CALLBACK}', skipBrowserRedirect: true },
})
const back = await openInBrowser(data.url, { approveAs: 'unattended@example.com' })
const result = new URLSearchParams(back.hash.slice(1))
console.log(back.pathname, result.get('error'))
const { data: signedIn } = await supabase.auth.setSession({
  access_token: result.get('access_token') ?? '',
  refresh_token: result.get('refresh_token') ?? '',
})
console.log(signedIn.user?.email ?? null)`

  test('approves unattended, as the approveAs email', async () => {
    const { logs, error } = await runExampleInNode(emulator, example)
    expect(error).toBeUndefined()
    expect(logs).toEqual([['/auth/callback', null], ['unattended@example.com']])
  })

  test('answers as decideConsent says when a test asks for Deny', async () => {
    const { logs } = await runExampleInNode(emulator, example, {
      decideConsent: async () => ({ approve: false }),
    })
    expect(logs).toEqual([['/auth/callback', 'access_denied'], [null]])
  })
})

function createMemoryStorage() {
  const items = new Map<string, string>()
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  }
}
