import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openLesson, type LessonPage } from './lesson-page.ts'

// What the page loads, and when: the example runs before the 12 MB compiler is fetched.
let lesson: LessonPage
const compilerRequests: string[] = []

beforeAll(async () => {
  lesson = await openLesson('/lessons/database/select/', (page) =>
    page.on('request', (request) => {
      if (/esbuild.*\.wasm/.test(request.url())) compilerRequests.push(request.url())
    }),
  )
})
afterAll(() => lesson?.close())

describe('boot', () => {
  test('boot: the unedited example runs without esbuild-wasm', async () => {
    await lesson.run()
    expect(await lesson.page.locator('.sb-playground').getAttribute('data-run-status')).toBe('done')
    expect(await lesson.pane('Response').innerText()).toContain('Portugal')
    expect(compilerRequests).toEqual([])
  })

  test('boot: edited code loads the compiler and runs', async () => {
    await lesson.setCode(`console.log('edited', 1 + 1)`)
    await lesson.run()
    expect(await lesson.pane('Console').innerText()).toContain('edited 2')
    expect(compilerRequests).toHaveLength(1)
  })
})
