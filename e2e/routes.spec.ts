/**
 * The two pages beside the lessons: `/embed/<chapter>/<method>/`, a lesson's example alone
 * for an iframe, and `/play/`, a playground for any code on a project of the reader's
 * choice.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { openLesson, type LessonPage } from './lesson-page.ts'

let opened: LessonPage | null = null
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await opened?.saveTrace(task.name)
  await opened?.close()
  opened = null
})

describe('embed and play routes', () => {
  test('embed: the select example runs without the site around it', async () => {
    opened = await openLesson('/embed/database/select/')
    const { page } = opened

    // No sidebar or site header: only the title, a link to the lesson and the example.
    expect(await page.locator('nav[aria-label="Main"]').count()).toBe(0)
    const link = page.getByRole('link', { name: /open the lesson/i })
    expect(await link.getAttribute('href')).toBe('/lessons/database/select/')

    await opened.run()
    const response = await opened.pane('Response').innerText()
    expect(response).toContain('200')
    // The five countries of the database dataset, in id order.
    const console = await opened.pane('Console').innerText()
    for (const name of ['Portugal', 'Japan', 'Brazil', 'Kenya', 'Canada']) {
      expect(console).toContain(name)
    }
  })

  test('play: the auth project signs in a seeded user and RLS shows only her notes', async () => {
    opened = await openLesson('/play/?dataset=auth')
    const { page } = opened
    await expect(
      page.getByRole('link', { name: /auth lessons/i }).getAttribute('aria-current'),
    ).resolves.toBe('page')

    await opened.setCode(`const { data } = await supabase.auth.signInWithPassword({
  email: 'grace@example.com',
  password: 'hopper-1906',
})
const { data: notes } = await supabase.from('notes').select('owner_id')
console.log(data.user.email, notes.length, notes.every((n) => n.owner_id === data.user.id))`)
    await opened.run()
    // The dataset gives Grace one note of three; the owner-only policy hides Ada's two.
    expect(await opened.pane('Console').innerText()).toContain('grace@example.com 1 true')
  })

  test('play: a new project has no tables, so a read answers PGRST205', async () => {
    opened = await openLesson('/play/')
    await opened.setCode(`const { error } = await supabase.from('countries').select()
console.log(error.code)`)
    await opened.run()
    expect(await opened.pane('Console').innerText()).toContain('PGRST205')
  })
})
