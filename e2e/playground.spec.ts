import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { openLesson, type LessonPage } from './lesson-page.ts'

// One page for the whole file, as a reader would use it: Runs follow each other, and the
// emulator Worker with its data lives across them.
let lesson: LessonPage

beforeAll(async () => {
  lesson = await openLesson('/lessons/database/select/')
})
afterAll(() => lesson?.close())
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await lesson.saveTrace(task.name)
})

const SELECT_ALL = `const { data, error } = await supabase.from('countries').select()
console.log(data.length, error)`

describe('playground', () => {
  test('lesson page: shows Run and Reset and the four panes below the title', async () => {
    const { page } = lesson
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/select/)
    for (const name of ['Run', 'Reset']) {
      expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1)
    }
    for (const name of ['Request', 'SQL', 'Response', 'Console'] as const) {
      expect(await lesson.pane(name).count()).toBe(1)
    }
  })

  test('run: the example shows its request, its SQL and the rows of countries', async () => {
    await lesson.run()

    const request = await lesson.pane('Request').innerText()
    expect(request).toContain('GET /rest/v1/countries?select=*')
    expect(request).toMatch(/apikey\s+eyJ/)

    const sql = await lesson.pane('SQL').innerText()
    expect(sql).toMatch(/countries/)
    expect(sql).toMatch(/\d+ rows? · [\d.]+ ms/)

    const response = await lesson.pane('Response').innerText()
    expect(response).toContain('200 OK')
    expect(response).toMatch(/content-range\s+0-4\/\*/)
    for (const country of ['Portugal', 'Japan', 'Brazil', 'Kenya', 'Canada']) {
      expect(response).toContain(country)
    }
    expect(await lesson.pane('Console').innerText()).toContain('Portugal')
  })

  test('run: several calls in one Run are listed one per request', async () => {
    await lesson.setCode(`await supabase.from('countries').select('name')
await supabase.from('cities').select('name')`)
    await lesson.run()
    const request = await lesson.pane('Request').innerText()
    expect(request).toMatch(/#1 GET \/rest\/v1\/countries\?select=name/)
    expect(request).toMatch(/#2 GET \/rest\/v1\/cities\?select=name/)
  })

  test('run: a PostgREST error arrives as the error object supabase-js returns', async () => {
    await lesson.setCode(`const { data, error } = await supabase.from('no_such_table').select()
console.log(data, error.code)`)
    await lesson.run()
    expect(await lesson.pane('Response').innerText()).toContain('404 Not Found')
    expect(await lesson.pane('Console').innerText()).toContain('null PGRST205')
  })

  test('compile error: shows the message with its line', async () => {
    await lesson.setCode(`const a = 1
const b = (2 +
console.log(a)`)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toMatch(/Line 3, column \d+: /)
  })

  test('runtime error: shows the uncaught error with its message and line', async () => {
    await lesson.setCode(`const { data } = await supabase.from('countries').select()
if (data.length > 1) {
  throw new RangeError('out of countries')
}`)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain(
      'Line 3: Uncaught RangeError: out of countries',
    )
  })

  test('network: nothing leaves the page, other hosts get no answer', async () => {
    await lesson.setCode(`const response = await fetch('http://127.0.0.1:9/anything')
console.log(response.status)
try { new XMLHttpRequest() } catch (error) { console.log(error.message) }`)
    await lesson.run()
    const output = await lesson.pane('Console').innerText()
    expect(output).toContain('502')
    expect(output).toContain('XMLHttpRequest is not available in Sandbase')
  })

  test('runaway: while (true) {} stops after 5 s and the data survives', async () => {
    await lesson.setCode(`await supabase.from('countries').insert({ name: 'Atlantis' })
while (true) {}`)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('Stopped after 5 s')

    // The page stays responsive and the emulator kept the row inserted before the loop.
    await lesson.setCode(SELECT_ALL)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('6 null')
  })

  test('reset: restores the example code and the lesson data', async () => {
    await lesson.page.getByRole('button', { name: 'Reset', exact: true }).click()
    await expect(lesson.page.locator('.cm-content').innerText()).resolves.toContain(
      ".from('countries')",
    )
    expect(await lesson.pane('Console').innerText()).toContain('console.log output')

    await lesson.setCode(SELECT_ALL)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('5 null')
  })

  test('session: a sign-up lasts across Runs until Reset', async () => {
    const GET_SESSION = `const { data } = await supabase.auth.getSession()
console.log(data.session?.user.email ?? 'no session')`
    await lesson.setCode(
      `await supabase.auth.signUp({ email: 'ana@example.com', password: 'a-long-password-1' })`,
    )
    await lesson.run()

    await lesson.setCode(GET_SESSION)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('ana@example.com')

    await lesson.page.getByRole('button', { name: 'Reset', exact: true }).click()
    await lesson.setCode(GET_SESSION)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('no session')
  })

  test('inbox: the email a magic-link sign-in sends shows with its code', async () => {
    await lesson.setCode(`await supabase.auth.signInWithOtp({ email: 'bea@example.com' })`)
    await lesson.run()
    const inbox = lesson.page.getByRole('region', { name: 'Inbox', exact: true })
    const text = await inbox.innerText()
    expect(text).toContain('bea@example.com')
    expect(text).toMatch(/Code: \d{6}/)
    expect(await lesson.pane('Request').innerText()).toContain('POST /auth/v1/otp')
  })

  test('keyboard: Ctrl+Enter runs the code', async () => {
    await lesson.setCode(`console.log('from the keyboard')`)
    const count = Number(await lesson.page.locator('.sb-playground').getAttribute('data-run-count'))
    await lesson.page.keyboard.press('Control+Enter')
    await lesson.page
      .locator(`.sb-playground[data-run-count="${count + 1}"][data-run-status="done"]`)
      .waitFor()
    expect(await lesson.pane('Console').innerText()).toContain('from the keyboard')
  })
})
