/**
 * Supabase's statement timeouts in the page: PGlite cannot cancel a statement, so a request
 * that outlives its role's timeout gets PostgREST's 57014 answer from the page, which then
 * restarts the project from the lesson's snapshot.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { openLesson, type LessonPage } from './lesson-page.ts'

let lesson: LessonPage

beforeAll(async () => {
  lesson = await openLesson('/play/?dataset=database')
})
afterAll(() => lesson?.close())
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await lesson.saveTrace(task.name)
})

describe('statement timeout', () => {
  test('watchdog: an endless rpc gets 57014, the project restarts and runs the next query', async () => {
    const { page } = lesson
    // A change the restart will undo: the dataset has four todos.
    await lesson.setCode(`const { error } = await supabase.from('todos').insert({ task: 'Extra' })
const { count } = await supabase.from('todos').select('*', { count: 'exact', head: true })
console.log('before', error, count)`)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('before null 5')

    // busy_for keeps Postgres busy far past anon's 3 s statement timeout; the countries
    // request, sent once it is busy, waits behind it on the same project. (A query builder
    // sends its request when awaited or then'd, so busy_for is started with then.)
    await lesson.setCode(`const busy = supabase.rpc('busy_for', { seconds: 60 }).then((r) => r)
await new Promise((resolve) => setTimeout(resolve, 500))
const next = await supabase.from('countries').select('name')
const slow = await busy
console.log('slow', slow.status, slow.error?.code, slow.error?.message)
console.log('next', next.status, next.error?.code)`)
    await lesson.run()

    const console = await lesson.pane('Console').innerText()
    expect(console).toContain('slow 500 57014 canceling statement due to statement timeout')
    expect(console).toContain('next 503 SBX50')
    expect(console).toMatch(/3 s statement timeout of the anon role/)
    expect(console).toMatch(/restarted from the lesson’s data/)
    expect(await lesson.pane('Response').innerText()).toContain('500')
    const notice = page.getByRole('alert').filter({ hasText: /restarted from the lesson’s data/ })
    await notice.waitFor()

    // The fresh project answers (the Run waits for its boot), with the dataset's own rows:
    // the added todo is gone.
    await lesson.setCode(`const { data } = await supabase.from('countries').select('name')
const { count } = await supabase.from('todos').select('*', { count: 'exact', head: true })
console.log('after', data.length, count)`)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('after 5 4')
    // The notice belongs to the Run that restarted the project.
    expect(await notice.count()).toBe(0)
  })

  test('watchdog: a service_role statement is given 8 s, also after its Run was stopped', async () => {
    const { page } = lesson
    const started = Date.now()
    // service_role has no statement timeout on Supabase; the page still restarts the stuck
    // project after 8 s. The Run itself is stopped by its 5 s limit before that.
    await lesson.setCode(`import { createClient } from '@supabase/supabase-js'

const admin = createClient(
  process.env.SUPABASE_URL,
  process.env.SUPABASE_SERVICE_ROLE_KEY,
)
await admin.rpc('busy_for', { seconds: 60 })`)
    await lesson.run()
    const stopped = await lesson.pane('Console').innerText()
    expect(stopped).toContain('Stopped after 5 s')
    expect(stopped).toContain('still running in the project')

    // A Run started while the project is still stuck waits, and gets the 503 at the restart.
    await lesson.setCode(`const { status, error } = await supabase.from('countries').select('name')
console.log('waited', status, error?.code)`)
    await lesson.run()
    const console = await lesson.pane('Console').innerText()
    expect(console).toContain('waited 503 SBX50')
    expect(console).toMatch(/8 s limit \(Supabase sets no statement timeout for the service_role/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(8_000)
    await page
      .getByRole('alert')
      .filter({ hasText: /restarted from the lesson’s data/ })
      .waitFor()

    await lesson.setCode(`const { data } = await supabase.from('countries').select('name')
console.log('rows', data.length)`)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('rows 5')
  })
})
