import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createProject, type Project } from '../../helpers.ts'

describe('redirect_to in emailed links', () => {
  let project: Project
  beforeAll(async () => {
    project = await createProject()
  })
  afterAll(() => project.emulator.close())

  test('a javascript: target is replaced by the site URL, never put in the link', async () => {
    await project.anon.auth.signInWithOtp({
      email: 'eve@example.com',
      options: { emailRedirectTo: 'javascript:alert(document.cookie)//' },
    })
    const response = await project.emulator.fetch(
      `${project.emulator.url}/auth/v1/__sandbase/inbox?to=eve@example.com`,
      { headers: { apikey: project.emulator.anonKey } },
    )
    const [mail] = await response.json()
    const redirectTo = new URL(mail.link).searchParams.get('redirect_to') ?? ''
    expect(redirectTo).not.toMatch(/^javascript:/i)
    expect(redirectTo).toMatch(/^https?:\/\//)
  })

  test('a redirect_to beyond ASCII arrives percent-encoded in Location', async () => {
    // GoTrue redirects through Go's http.Redirect, which percent-encodes non-ASCII bytes:
    // ✓ (U+2713) is E2 9C 93 in UTF-8.
    await project.anon.auth.signInWithOtp({
      email: 'ann@example.com',
      options: { emailRedirectTo: 'http://localhost:3000/✓' },
    })
    const inbox = await project.emulator.fetch(
      `${project.emulator.url}/auth/v1/__sandbase/inbox?to=ann@example.com`,
      { headers: { apikey: project.emulator.anonKey } },
    )
    const [mail] = await inbox.json()
    const response = await project.emulator.fetch(mail.link, { redirect: 'manual' })

    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toMatch(/^http:\/\/localhost:3000\/%E2%9C%93#/)
  })
})
