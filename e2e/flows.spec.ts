import { afterEach, describe, expect, test } from 'vitest'
import { openLesson, type LessonPage } from './lesson-page.ts'

// Reader flows across chapters: each test opens its own lesson page, as a reader would.
let lesson: LessonPage | null = null
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await lesson?.saveTrace(task.name)
  await lesson?.close()
  lesson = null
})

describe('filters and modifiers', () => {
  test('filters: editing eq into neq changes the query string, the SQL and the rows', async () => {
    lesson = await openLesson('/lessons/filters/eq/')
    await lesson.run()
    expect(await lesson.pane('Request').innerText()).toContain('name=eq.Earth')
    expect(await lesson.pane('SQL').innerText()).toMatch(/"name" = \$\d/)

    await lesson.setCode(`const { data } = await supabase
  .from('planets')
  .select('name')
  .neq('name', 'Earth')
console.log(data.length, data.some((p) => p.name === 'Earth'))`)
    await lesson.run()
    expect(await lesson.pane('Request').innerText()).toContain('name=neq.Earth')
    expect(await lesson.pane('SQL').innerText()).toMatch(/"name" <> \$\d/)
    // Eight planets, less the Earth.
    expect(await lesson.pane('Console').innerText()).toMatch(/^7 false$/m)
  })

  test('csv: the response is CSV text with a header row', async () => {
    lesson = await openLesson('/lessons/modifiers/csv/')
    await lesson.run()
    expect(await lesson.pane('Response').innerText()).toMatch(/text\/csv/)
    expect(await lesson.pane('Console').innerText()).toContain('name,diameter_km,discovered_in')
  })

  test('explain: the response is the plan Postgres made', async () => {
    lesson = await openLesson('/lessons/modifiers/explain/')
    await lesson.run()
    expect(await lesson.pane('Request').innerText()).toMatch(/vnd\.pgrst\.plan/)
    expect(await lesson.pane('Response').innerText()).toMatch(/(Seq|Index) Scan on planets/)
  })
})

describe('rpc', () => {
  test("rpc: a function's own error shows its status and headers in the Response pane", async () => {
    lesson = await openLesson('/lessons/database/rpc/')
    await lesson.setCode(`const { error, status } = await supabase.rpc('book_seats', { seats: 20 })
console.log(status, error.code)`)
    await lesson.run()

    // book_seats raises sqlstate 'PGRST' with status 422 and an x-seats-left header.
    const response = await lesson.pane('Response').innerText()
    expect(response).toContain('422 Unprocessable Entity')
    expect(response).toMatch(/x-seats-left\s*:?\s*8/)
    expect(response).toContain('20 seats asked, 8 at most')
    expect(await lesson.pane('Console').innerText()).toMatch(/^422 TOO_MANY_SEATS$/m)
  })
})

describe('example tabs', () => {
  test('tabs: the next example after a Run starts from the lesson data it expects', async () => {
    lesson = await openLesson('/lessons/database/insert/')
    const restored = lesson.page.getByRole('status').filter({ hasText: /data .* restored/ })
    // "Create a row" adds Peru; "Create a row and return it" adds Peru again, which only
    // works on the lesson's own data (the name is unique).
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toMatch(/^201 null$/m)

    await lesson.page.getByRole('tab', { name: 'Create a row and return it' }).click()
    await restored.waitFor()
    await lesson.run()
    const console = await lesson.pane('Console').innerText()
    expect(console).toMatch(/id: 6/)
    expect(console).not.toContain('23505')
    expect(await restored.count()).toBe(0)
  })
})

describe('auth', () => {
  test('auth: sign up, read the code in the Inbox, verify it, see the session', async () => {
    lesson = await openLesson('/lessons/auth/sign-up/')
    await lesson.setCode(`import { createClient } from '@supabase/supabase-js'
const admin = createClient(
  process.env.SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!,
)
await admin.rpc('set_confirm_email', { enabled: true })
const { data } = await supabase.auth.signUp({
  email: 'alan@example.com', password: 'turing-1912',
})
console.log('session after sign-up:', data.session)`)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('session after sign-up: null')

    const inbox = lesson.page.getByRole('region', { name: 'Inbox', exact: true })
    const mail = await inbox.innerText()
    expect(mail).toContain('alan@example.com')
    const code = /\b(\d{6})\b/.exec(mail)?.[1]
    expect(code).toBeDefined()

    await lesson.setCode(`const { data, error } = await supabase.auth.verifyOtp({
  email: 'alan@example.com', token: '${code}', type: 'email',
})
console.log(error, data.session.user.email, data.session.token_type)`)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toMatch(/null.*alan@example\.com.*bearer/)
  })

  test('auth: enrolling a TOTP factor shows its QR code as an image', async () => {
    lesson = await openLesson('/lessons/auth-mfa/enroll/')
    await lesson.run()
    const image = lesson.pane('Console').getByRole('img')
    await image.first().waitFor()
    expect(await image.first().getAttribute('src')).toMatch(/^data:image\/svg\+xml/)
    const width = await image.first().evaluate((img) => (img as HTMLImageElement).naturalWidth)
    expect(width).toBeGreaterThan(0)
  })

  test('auth: the admin API lists the project users', async () => {
    lesson = await openLesson('/lessons/auth-admin/list-users/')
    await lesson.run()
    const output = await lesson.pane('Console').innerText()
    expect(output).toContain('ada@example.com')
    expect(output).toContain('grace@example.com')
    expect(await lesson.pane('Request').innerText()).toContain('GET /auth/v1/admin/users')
  })
})
