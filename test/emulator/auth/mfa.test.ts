import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Secret, TOTP } from 'otpauth'
import { createProject, type Project } from '../../helpers.ts'
import { callAuth, createUserClient, readClaims, uniqueEmail } from './helpers.ts'

let project: Project

beforeAll(async () => {
  project = await createProject()
})
afterAll(() => project.emulator.close())

/** The code an authenticator app would show now for a base32 secret. */
function currentCode(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate()
}

async function signUp(email = uniqueEmail()) {
  const client = createUserClient(project.emulator)
  const { data } = await client.auth.signUp({ email, password: 'long enough' })
  return { client, email, user: data.user! }
}

async function enrollVerified(client: Awaited<ReturnType<typeof signUp>>['client']) {
  const { data: factor } = await client.auth.mfa.enroll({ factorType: 'totp' })
  const { error } = await client.auth.mfa.challengeAndVerify({
    factorId: factor!.id,
    code: currentCode(factor!.totp.secret),
  })
  expect(error).toBeNull()
  return factor!
}

describe('mfa.enroll', () => {
  test('returns a real TOTP secret, its otpauth URI and the QR code as an SVG data URL', async () => {
    const { client, email } = await signUp()
    const { data, error } = await client.auth.mfa.enroll({
      factorType: 'totp',
      friendlyName: 'My phone',
    })
    expect(error).toBeNull()
    expect(data).toMatchObject({ type: 'totp', friendly_name: 'My phone' })
    expect(data!.totp.secret).toMatch(/^[A-Z2-7]{32}$/)
    const uri = new URL(data!.totp.uri)
    expect(uri.protocol).toBe('otpauth:')
    expect(uri.searchParams.get('secret')).toBe(data!.totp.secret)
    expect(uri.searchParams.get('issuer')).toBe('localhost:3000')
    expect(decodeURIComponent(uri.pathname)).toContain(email)
    expect(data!.totp.qr_code.startsWith('data:image/svg+xml;utf-8,<svg')).toBe(true)

    const { rows } = await project.emulator.db.query<{ status: string }>(
      'select status from auth.mfa_factors where id = $1',
      [data!.id],
    )
    expect(rows).toEqual([{ status: 'unverified' }])
  })

  test('errs with mfa_factor_name_conflict (422) for a repeated friendly name', async () => {
    const { client } = await signUp()
    await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Laptop' })
    const { error } = await client.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'Laptop' })
    expect(error).toMatchObject({ status: 422, code: 'mfa_factor_name_conflict' })
  })

  test('answers phone factors with the emulator’s own 501', async () => {
    const { client } = await signUp()
    const { data } = await client.auth.getSession()
    const { status, body } = await callAuth(project.emulator, 'POST', '/factors', {
      token: data.session!.access_token,
      body: { factor_type: 'phone', phone: '+15555550100' },
    })
    expect(status).toBe(501)
    expect(body.code).toBe('sandbase_not_yet')
  })
})

describe('mfa.challenge and mfa.verify', () => {
  test('a correct code verifies the factor and raises the session to aal2', async () => {
    const { client } = await signUp()
    const { data: factor } = await client.auth.mfa.enroll({ factorType: 'totp' })
    const before = await client.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(before.data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal1' })

    const { data: challenge, error: challengeError } = await client.auth.mfa.challenge({
      factorId: factor!.id,
    })
    expect(challengeError).toBeNull()
    expect(challenge).toMatchObject({ type: 'totp', id: expect.any(String) })
    expect(challenge!.expires_at).toBeGreaterThan(Date.now() / 1000)

    const { data, error } = await client.auth.mfa.verify({
      factorId: factor!.id,
      challengeId: challenge!.id,
      code: currentCode(factor!.totp.secret),
    })
    expect(error).toBeNull()
    const claims = readClaims(data!.access_token)
    expect(claims.aal).toBe('aal2')
    expect((claims.amr as { method: string }[]).map((entry) => entry.method).sort()).toEqual([
      'password',
      'totp',
    ])
    const after = await client.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(after.data).toMatchObject({ currentLevel: 'aal2', nextLevel: 'aal2' })
  })

  test('a wrong code errs with mfa_verification_failed (422)', async () => {
    const { client } = await signUp()
    const { data: factor } = await client.auth.mfa.enroll({ factorType: 'totp' })
    const code = currentCode(factor!.totp.secret)
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0')
    const { error } = await client.auth.mfa.challengeAndVerify({
      factorId: factor!.id,
      code: wrong,
    })
    expect(error).toMatchObject({
      status: 422,
      code: 'mfa_verification_failed',
      message: 'Invalid TOTP code entered',
    })
  })

  test('a new sign-in of a user with a verified factor starts at aal1 with aal2 next', async () => {
    const { client, email } = await signUp()
    await enrollVerified(client)
    const other = createUserClient(project.emulator)
    await other.auth.signInWithPassword({ email, password: 'long enough' })
    const { data } = await other.auth.mfa.getAuthenticatorAssuranceLevel()
    expect(data).toMatchObject({ currentLevel: 'aal1', nextLevel: 'aal2' })
    const factors = await other.auth.mfa.listFactors()
    expect(factors.data?.totp).toHaveLength(1)
    expect(factors.data?.totp[0].status).toBe('verified')
  })

  test('an unknown factor errs with mfa_factor_not_found (404)', async () => {
    const { client } = await signUp()
    const { error } = await client.auth.mfa.challenge({ factorId: crypto.randomUUID() })
    expect(error).toMatchObject({ status: 404, code: 'mfa_factor_not_found' })
  })
})

describe('mfa.unenroll', () => {
  test('a verified factor needs an aal2 session; from aal2 it is removed', async () => {
    const { client, email } = await signUp()
    const factor = await enrollVerified(client)

    const weak = createUserClient(project.emulator)
    await weak.auth.signInWithPassword({ email, password: 'long enough' })
    const refused = await weak.auth.mfa.unenroll({ factorId: factor.id })
    expect(refused.error).toMatchObject({ status: 422, code: 'insufficient_aal' })
    const enrollMore = await weak.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'second' })
    expect(enrollMore.error).toMatchObject({ status: 422, code: 'insufficient_aal' })
    const newPassword = await weak.auth.updateUser({ password: 'a new password' })
    expect(newPassword.error).toMatchObject({ status: 401, code: 'insufficient_aal' })

    const { data, error } = await client.auth.mfa.unenroll({ factorId: factor.id })
    expect(error).toBeNull()
    expect(data).toEqual({ id: factor.id })
  })
})

describe('admin.mfa', () => {
  test('lists and deletes a user’s factors', async () => {
    const { client, user } = await signUp()
    const factor = await enrollVerified(client)
    const listed = await project.service.auth.admin.mfa.listFactors({ userId: user.id })
    expect(listed.error).toBeNull()
    expect(listed.data?.factors).toEqual([
      expect.objectContaining({ id: factor.id, factor_type: 'totp', status: 'verified' }),
    ])
    const deleted = await project.service.auth.admin.mfa.deleteFactor({
      userId: user.id,
      id: factor.id,
    })
    expect(deleted.error).toBeNull()
    const after = await project.service.auth.admin.mfa.listFactors({ userId: user.id })
    expect(after.data?.factors).toEqual([])
  })
})
