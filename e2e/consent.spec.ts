import { afterEach, describe, expect, test } from 'vitest'
import { openLesson, waitForRunEnd, type LessonPage } from './lesson-page.ts'

// The auth flows that need the reader: the consent card of the stand-in provider, and
// sessions that clients created in the code keep from one Run to the next.
let lesson: LessonPage | null = null
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await lesson?.saveTrace(task.name)
  await lesson?.close()
  lesson = null
})

// The page's time limit for a Run (RUN_TIME_LIMIT_MS), plus a margin.
const PAST_TIME_LIMIT_MS = 5_500

async function openConsentExample(): Promise<LessonPage> {
  const opened = await openLesson('/lessons/auth/sign-in-with-oauth/')
  await opened.page.getByRole('tab', { name: 'Through the consent screen and back' }).click()
  return opened
}

async function runCount(page: LessonPage['page']): Promise<number> {
  return Number(await page.locator('.sb-playground').getAttribute('data-run-count'))
}

/** Presses Run and waits for the consent card, which the Run waits on. */
async function runToConsent({ page }: LessonPage) {
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const card = page.getByRole('dialog', { name: 'Sign-in consent' })
  await card.waitFor({ timeout: 20_000 })
  return card
}

describe('consent', () => {
  test('consent: Approve on the card signs the reader in as the pre-filled email', async () => {
    lesson = await openConsentExample()
    const card = await runToConsent(lesson)
    expect(await card.innerText()).toContain('GitHub')
    expect(await card.innerText()).toContain('http://localhost:3000/auth/callback')
    expect(await card.getByRole('textbox').inputValue()).toBe('octo@example.com')
    // The authorize redirect and the consent screen are already on the wire.
    expect(await lesson.pane('Request').innerText()).toContain('/auth/v1/__sandbase/consent')

    const count = await runCount(lesson.page)
    await card.getByRole('button', { name: 'Approve' }).click()
    await waitForRunEnd(lesson.page, count)
    expect(await card.count()).toBe(0)
    expect(await lesson.pane('Console').innerText()).toContain('octo@example.com')
    expect(await lesson.pane('Request').innerText()).toContain('/auth/v1/callback')
  })

  test('consent: an email typed over the pre-filled one is the one signed in', async () => {
    lesson = await openConsentExample()
    const card = await runToConsent(lesson)
    await card.getByRole('textbox').fill('typed.in@example.com')
    const count = await runCount(lesson.page)
    await card.getByRole('button', { name: 'Approve' }).click()
    await waitForRunEnd(lesson.page, count)
    expect(await lesson.pane('Console').innerText()).toContain('typed.in@example.com')
  })

  test('consent: Deny after the time limit has passed ends with access_denied', async () => {
    lesson = await openConsentExample()
    const card = await runToConsent(lesson)
    // Longer than a Run may take: the limit is paused while the card waits for the reader.
    await lesson.page.waitForTimeout(PAST_TIME_LIMIT_MS)
    expect(await card.isVisible()).toBe(true)

    const count = await runCount(lesson.page)
    await card.getByRole('button', { name: 'Deny' }).click()
    await waitForRunEnd(lesson.page, count)
    const console = await lesson.pane('Console').innerText()
    expect(console).toContain('access_denied')
    expect(console).not.toContain('octo@example.com')
    expect(await lesson.page.locator('.sb-playground').getAttribute('data-run-status')).toBe('done')
  })

  test('consent: Reset closes a waiting card and ends its Run', async () => {
    lesson = await openConsentExample()
    const card = await runToConsent(lesson)
    await lesson.page.getByRole('button', { name: 'Reset' }).click()
    await card.waitFor({ state: 'detached' })
    expect(await lesson.page.locator('.sb-playground').getAttribute('data-run-status')).toBe('idle')
  })

  test('consent: Run again replaces the waiting Run with a new one and a new card', async () => {
    lesson = await openConsentExample()
    await runToConsent(lesson)
    const count = await runCount(lesson.page)
    const card = await runToConsent(lesson)
    // The card seen may still be the first Run's, on its way out: wait for the second Run.
    const next = count + 1
    await lesson.page.locator(`.sb-playground[data-run-count="${next}"]`).waitFor()
    await card.waitFor()
    await card.getByRole('button', { name: 'Approve' }).click()
    await waitForRunEnd(lesson.page, next)
    expect(await lesson.pane('Console').innerText()).toContain('octo@example.com')
  })
})

describe('ID token', () => {
  test('ID token: the card stands in for the provider SDK; Approve gives a token', async () => {
    lesson = await openLesson('/lessons/auth/sign-in-with-id-token/')
    const card = await runToConsent(lesson)
    expect(await card.innerText()).toContain('Google')
    expect(await card.innerText()).toContain('as an ID token (no redirect)')
    expect(await card.getByRole('textbox').inputValue()).toBe('margaret@example.com')

    const count = await runCount(lesson.page)
    await card.getByRole('button', { name: 'Approve' }).click()
    await waitForRunEnd(lesson.page, count)
    expect(await lesson.pane('Request').innerText()).toContain('grant_type=id_token')
    expect(await lesson.pane('Console').innerText()).toContain('margaret@example.com')
  })
})

describe('sessions', () => {
  const code = (action: string) => `import { createClient } from '@supabase/supabase-js'
const client = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_ANON_KEY)
${action}
const { data } = await client.auth.getSession()
console.log('session of', data.session?.user.email ?? 'nobody')`

  test('sessions: a created client is still signed in next Run, until Reset', async () => {
    lesson = await openLesson('/lessons/auth/get-session/')
    await lesson.setCode(
      code(`await client.auth.signInWithPassword({
  email: 'ada@example.com', password: 'lovelace-1815',
})`),
    )
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('session of ada@example.com')

    await lesson.setCode(code(''))
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('session of ada@example.com')

    await lesson.page.getByRole('button', { name: 'Reset' }).click()
    await lesson.setCode(code(''))
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('session of nobody')
  })
})
