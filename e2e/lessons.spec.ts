import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchBrowser, getBaseUrl, type Browser } from './browser.ts'
import { BOOT_TIMEOUT_MS, waitForRunEndApproving } from './lesson-page.ts'

// Every lesson page of the built site that has a Playground, e.g. `/lessons/database/select/`.
function findLessonPaths(dir = 'dist/lessons'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return findLessonPaths(path)
    const isPlayground =
      entry.name === 'index.html' && readFileSync(path, 'utf8').includes('sb-playground')
    return isPlayground ? [`/${dir.replace(/^dist\//, '')}/`] : []
  })
}

// All lessons take minutes (each page boots its own Postgres), so by default the database
// chapter and the first lesson of every other chapter; E2E_ALL_LESSONS=1 checks them all.
function pickLessons(paths: string[]): string[] {
  if (process.env.E2E_ALL_LESSONS === '1') return paths
  const chapterOf = (path: string) => path.split('/')[2]
  return paths.filter(
    (path, i) =>
      chapterOf(path) === 'database' || chapterOf(paths[i - 1] ?? '') !== chapterOf(path),
  )
}

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(() => browser?.close())

// The Node suite checks every example's output; this one checks that each lesson's first
// example also runs in a real browser, ending the way the lesson says (cleanly, or with its
// expected error). Only the first, to keep the suite within minutes.
describe('lessons in the browser', () => {
  test.each(pickLessons(findLessonPaths().sort()))(
    '%s: the first example runs to its end',
    async (path) => {
      const page = await browser.context.newPage()
      try {
        await page.goto(new URL(path, getBaseUrl()).href)
        await page.getByText(/^Ready:/).waitFor({ timeout: BOOT_TIMEOUT_MS })
        const playground = page.locator('.sb-playground')
        await page.getByRole('button', { name: 'Run', exact: true }).click()
        // Sign-in examples wait on the consent card: approved, as the Node suite does.
        await waitForRunEndApproving(page, 1)

        const status = await playground.getAttribute('data-run-status')
        const expectsError = (await playground.getAttribute('data-expects-error')) === 'true'
        const console = await page.getByRole('region', { name: 'Console', exact: true }).innerText()
        expect({ status, console }).toMatchObject({ status: expectsError ? 'failed' : 'done' })
      } finally {
        await page.close()
      }
    },
  )
})
