import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'
import {
  callAuth,
  createUserClient,
  readClaims,
  readInbox,
  setAuthSetting,
  uniqueEmail,
} from './helpers.ts'

let project: Project

beforeAll(async () => {
  project = await createProject()
})
afterAll(() => project.emulator.close())
beforeEach(async () => {
  await setAuthSetting(project.emulator, 'mailer_autoconfirm', true)
  await setAuthSetting(project.emulator, 'security_manual_linking_enabled', true)
})

/** Follows one redirect without an apikey, as a browser navigating would. */
async function follow(url: string): Promise<URL> {
  const response = await project.emulator.fetch(url, { redirect: 'manual' })
  expect([302, 303]).toContain(response.status)
  return new URL(response.headers.get('location')!)
}

/** From a provider URL, through the consent step (approving as `email`) back to the app. */
async function consent(startUrl: string, email: string, decision = 'approve'): Promise<URL> {
  let consentUrl = new URL(startUrl)
  if (consentUrl.pathname.endsWith('/authorize')) consentUrl = await follow(startUrl)
  expect(consentUrl.pathname).toBe('/auth/v1/__sandbase/consent')
  const screen = await (await project.emulator.fetch(consentUrl)).json()
  const decisionUrl = new URL(decision === 'approve' ? screen.approve_url : screen.deny_url)
  decisionUrl.searchParams.set('email', email)
  const callback = await follow(decisionUrl.toString())
  expect(callback.pathname).toBe('/auth/v1/callback')
  return follow(callback.toString())
}

const fragmentOf = (url: URL) => Object.fromEntries(new URLSearchParams(url.hash.slice(1)))

describe('signInWithOAuth', () => {
  test('goes through the consent step and returns with the session in the fragment', async () => {
    const client = createUserClient(project.emulator)
    const email = uniqueEmail('octo')
    const { data, error } = await client.auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: 'https://app.example.com/callback', skipBrowserRedirect: true },
    })
    expect(error).toBeNull()
    expect(data.url).toBe(
      `${project.emulator.url}/auth/v1/authorize?provider=github&redirect_to=${encodeURIComponent('https://app.example.com/callback')}`,
    )
    const back = await consent(data.url!, email)
    expect(back.origin + back.pathname).toBe('https://app.example.com/callback')
    const fragment = fragmentOf(back)
    expect(fragment).toMatchObject({ token_type: 'bearer', expires_in: '3600' })
    const claims = readClaims(fragment.access_token)
    expect(claims).toMatchObject({
      email,
      app_metadata: { provider: 'github', providers: ['github'] },
    })
    expect((claims.amr as { method: string }[])[0].method).toBe('oauth')

    const { data: session } = await client.auth.setSession({
      access_token: fragment.access_token,
      refresh_token: fragment.refresh_token,
    })
    expect(session.user?.identities?.map((identity) => identity.provider)).toEqual(['github'])
  })

  test('with PKCE returns ?code=, which exchangeCodeForSession trades with the verifier', async () => {
    const client = createUserClient(project.emulator, { flowType: 'pkce' })
    const { data } = await client.auth.signInWithOAuth({
      provider: 'google',
      options: { redirectTo: 'https://app.example.com/cb', skipBrowserRedirect: true },
    })
    expect(new URL(data.url!).searchParams.get('code_challenge_method')).toBe('s256')
    const back = await consent(data.url!, uniqueEmail('pkce'))
    const code = back.searchParams.get('code')!
    expect(code).toEqual(expect.any(String))
    expect(back.hash).toBe('')

    const exchanged = await client.auth.exchangeCodeForSession(code)
    expect(exchanged.error).toBeNull()
    expect(exchanged.data.user?.app_metadata.provider).toBe('google')
    const again = await callAuth(project.emulator, 'POST', '/token?grant_type=pkce', {
      body: { auth_code: code, code_verifier: 'a'.repeat(43) },
    })
    expect(again.status).toBe(404)
    expect(again.body.code).toBe('flow_state_not_found')
  })

  test('a wrong code verifier errs with bad_code_verifier', async () => {
    const client = createUserClient(project.emulator, { flowType: 'pkce' })
    const { data } = await client.auth.signInWithOAuth({
      provider: 'google',
      options: { redirectTo: 'https://app.example.com/cb', skipBrowserRedirect: true },
    })
    const code = (await consent(data.url!, uniqueEmail())).searchParams.get('code')
    const { status, body } = await callAuth(project.emulator, 'POST', '/token?grant_type=pkce', {
      body: { auth_code: code, code_verifier: 'b'.repeat(43) },
    })
    expect(status).toBe(400)
    expect(body.code).toBe('bad_code_verifier')
  })

  test('links the provider to an existing user with the same email', async () => {
    const email = uniqueEmail('same')
    const { data: signUp } = await createUserClient(project.emulator).auth.signUp({
      email,
      password: 'long enough',
    })
    const { data } = await createUserClient(project.emulator).auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: 'https://app.example.com', skipBrowserRedirect: true },
    })
    const claims = readClaims(fragmentOf(await consent(data.url!, email)).access_token)
    expect(claims.sub).toBe(signUp.user?.id)
    expect(claims.app_metadata).toMatchObject({ providers: ['email', 'github'] })
  })

  test('a denied consent comes back with error=access_denied', async () => {
    const { data } = await createUserClient(project.emulator).auth.signInWithOAuth({
      provider: 'github',
      options: { redirectTo: 'https://app.example.com', skipBrowserRedirect: true },
    })
    const back = await consent(data.url!, uniqueEmail(), 'deny')
    expect(fragmentOf(back)).toMatchObject({ error: 'access_denied' })
    // GoTrue repeats the error in the query, where a PKCE callback route looks.
    expect(back.searchParams.get('error')).toBe('access_denied')
  })

  test('an unknown provider errs with validation_failed', async () => {
    const response = await project.emulator.fetch(
      `${project.emulator.url}/auth/v1/authorize?provider=myspace`,
      { redirect: 'manual', headers: { 'x-supabase-api-version': '2024-01-01' } },
    )
    expect(response.status).toBe(400)
    expect((await response.json()).code).toBe('validation_failed')
  })
})

describe('signInWithSSO', () => {
  test('signs an SSO user in through the stand-in identity provider', async () => {
    const client = createUserClient(project.emulator)
    const email = uniqueEmail('employee')
    const { data, error } = await client.auth.signInWithSSO({
      domain: 'acme.example',
      options: { redirectTo: 'https://app.example.com/sso' },
    })
    expect(error).toBeNull()
    const claims = readClaims(fragmentOf(await consent(data!.url, email)).access_token)
    expect(claims.email).toBe(email)
    expect((claims.amr as { method: string }[])[0].method).toBe('sso/saml')
    expect(String((claims.app_metadata as { provider: string }).provider)).toMatch(/^sso:/)
    const { rows } = await project.emulator.db.query<{ is_sso_user: boolean }>(
      'select is_sso_user from auth.users where id = $1',
      [claims.sub],
    )
    expect(rows).toEqual([{ is_sso_user: true }])
  })

  test('errs with validation_failed without a domain or provider id', async () => {
    const { status, body } = await callAuth(project.emulator, 'POST', '/sso', { body: {} })
    expect(status).toBe(400)
    expect(body.code).toBe('validation_failed')
  })
})

describe('signInWithIdToken', () => {
  async function mintIdToken(email: string, nonce?: string) {
    const { body } = await callAuth(project.emulator, 'POST', '/__sandbase/id_token', {
      body: { provider: 'google', email, nonce },
    })
    return body.id_token as string
  }

  test('signs in with a stand-in provider ID token and checks the nonce', async () => {
    const email = uniqueEmail('idtoken')
    const token = await mintIdToken(email, 'raw-nonce')
    const client = createUserClient(project.emulator)
    const wrong = await client.auth.signInWithIdToken({ provider: 'google', token, nonce: 'other' })
    expect(wrong.error).toMatchObject({ status: 400, message: 'Nonces mismatch' })

    const { data, error } = await client.auth.signInWithIdToken({
      provider: 'google',
      token,
      nonce: 'raw-nonce',
    })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email, app_metadata: { provider: 'google' } })
  })

  test('errs for a token the provider did not sign', async () => {
    const token = await mintIdToken(uniqueEmail())
    const [header, payload] = token.split('.')
    const { error } = await createUserClient(project.emulator).auth.signInWithIdToken({
      provider: 'google',
      token: `${header}.${payload}.AAAA`,
    })
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Bad ID token' })
  })
})

describe('identities', () => {
  test('linkIdentity adds an identity; unlinkIdentity removes it but never the last one', async () => {
    const client = createUserClient(project.emulator)
    await client.auth.signUp({ email: uniqueEmail(), password: 'long enough' })
    const { data, error } = await client.auth.linkIdentity({
      provider: 'google',
      options: { redirectTo: 'https://app.example.com/linked', skipBrowserRedirect: true },
    })
    expect(error).toBeNull()
    const back = await consent(data.url!, uniqueEmail('linked'))
    expect(fragmentOf(back).access_token).toEqual(expect.any(String))

    const { data: listed } = await client.auth.getUserIdentities()
    expect(listed?.identities.map((identity) => identity.provider).sort()).toEqual([
      'email',
      'google',
    ])
    const google = listed!.identities.find((identity) => identity.provider === 'google')!
    expect((await client.auth.unlinkIdentity(google)).error).toBeNull()

    const { data: after } = await client.auth.getUserIdentities()
    expect(after?.identities.map((identity) => identity.provider)).toEqual(['email'])
    const last = await client.auth.unlinkIdentity(after!.identities[0])
    expect(last.error).toMatchObject({ status: 422, code: 'single_identity_not_deletable' })
  })

  test('errs with manual_linking_disabled (404) when the project turns it off', async () => {
    await setAuthSetting(project.emulator, 'security_manual_linking_enabled', false)
    const client = createUserClient(project.emulator)
    await client.auth.signUp({ email: uniqueEmail(), password: 'long enough' })
    const { error } = await client.auth.linkIdentity({ provider: 'google' })
    expect(error).toMatchObject({ status: 404, code: 'manual_linking_disabled' })
  })
})

describe('PKCE email flows', () => {
  test('a PKCE signup link redirects with ?code= that exchanges for a session', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', false)
    const client = createUserClient(project.emulator, { flowType: 'pkce' })
    const email = uniqueEmail('pkce-signup')
    await client.auth.signUp({
      email,
      password: 'long enough',
      options: { emailRedirectTo: 'https://app.example.com/confirmed' },
    })
    const [message] = await readInbox(project.emulator, email)
    const back = await follow(message.link!)
    const code = back.searchParams.get('code')!
    expect(back.origin + back.pathname).toBe('https://app.example.com/confirmed')
    const { data, error } = await client.auth.exchangeCodeForSession(code)
    expect(error).toBeNull()
    expect(data.user?.email).toBe(email)
    expect(data.user?.email_confirmed_at).toEqual(expect.any(String))
  })
})

describe('redirect targets', () => {
  test('a mobile deep link as redirect_to gets ?code= appended as given', async () => {
    await setAuthSetting(project.emulator, 'mailer_autoconfirm', true)
    const client = createUserClient(project.emulator, { flowType: 'pkce' })
    const email = uniqueEmail('mobile')
    await client.auth.signUp({ email, password: 'long enough' })
    await client.auth.signInWithOtp({
      email,
      options: { emailRedirectTo: 'com.example.app://login-callback' },
    })
    const [message] = await readInbox(project.emulator, email)
    const response = await project.emulator.fetch(message.link!, { redirect: 'manual' })
    const location = response.headers.get('location')!
    expect(location).toMatch(/^com\.example\.app:\/\/login-callback\?code=[0-9a-f-]{36}$/)
    const code = location.split('code=')[1]
    expect((await client.auth.exchangeCodeForSession(code)).error).toBeNull()
  })
})
