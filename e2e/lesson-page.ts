/** Drives a lesson page's Playground the way a reader does: type, press Run, read panes. */
import { mkdir } from 'node:fs/promises'
import type { Locator, Page } from 'playwright-core'
import { getBaseUrl, launchBrowser, type Browser } from './browser.ts'

/** Long enough for a cold boot of Postgres and esbuild-wasm on a 2-core machine. */
export const BOOT_TIMEOUT_MS = 45_000

export interface LessonPage {
  page: Page
  browser: Browser
  pane(name: 'Request' | 'SQL' | 'Response' | 'Console'): Locator
  /** Replaces the editor's code, as if typed. */
  setCode(code: string): Promise<void>
  /** Presses Run and waits until the Run has ended. */
  run(): Promise<void>
  /** Saves a Playwright trace of what happened so far, for a failed test. */
  saveTrace(name: string): Promise<void>
  close(): Promise<void>
}

/**
 * Opens `path` in a fresh browser and waits until the Playground is ready; `beforeOpen` may
 * watch the page (its requests, say) from the start.
 */
export async function openLesson(
  path: string,
  beforeOpen: (page: Page) => void = () => {},
): Promise<LessonPage> {
  const browser = await launchBrowser()
  await browser.context.tracing.start({ screenshots: true, snapshots: true })
  const page = await browser.context.newPage()
  beforeOpen(page)
  await page.goto(new URL(path, getBaseUrl()).href)
  await page.getByText(/^Ready:/).waitFor({ timeout: BOOT_TIMEOUT_MS })
  await page.locator('.cm-content').waitFor()
  const playground = page.locator('.sb-playground')

  return {
    page,
    browser,
    pane: (name) => page.getByRole('region', { name, exact: true }),
    async setCode(code) {
      await page.locator('.cm-content').click()
      await page.keyboard.press('ControlOrMeta+a')
      await page.keyboard.press('Delete')
      await page.keyboard.insertText(code)
    },
    async run() {
      const count = Number(await playground.getAttribute('data-run-count'))
      await page.getByRole('button', { name: 'Run', exact: true }).click()
      await waitForRunEnd(page, count + 1)
    },
    async saveTrace(name) {
      await mkdir('test-results', { recursive: true })
      await browser.context.tracing.stop({ path: `test-results/${name.replace(/\W+/g, '-')}.zip` })
      await browser.context.tracing.start({ screenshots: true, snapshots: true })
    },
    close: () => browser.close(),
  }
}

/** Waits until Run number `count` has ended, however it ended. */
export async function waitForRunEnd(page: Page, count: number): Promise<void> {
  await page.locator(endedRun(count)).waitFor({ timeout: 20_000 })
}

/** Waits until Run `count` has ended, approving each consent card it waits on meanwhile. */
export async function waitForRunEndApproving(page: Page, count: number): Promise<void> {
  const ended = page.locator(endedRun(count))
  const approve = page
    .getByRole('dialog', { name: 'Sign-in consent' })
    .getByRole('button', { name: 'Approve' })
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    await page.locator(`${endedRun(count)}, .sb-consent`).first().waitFor({ timeout: 20_000 })
    if ((await ended.count()) > 0) return
    // The card seen may be one already answered and on its way out: then the click finds
    // nothing, and the next loop finds the next card or the Run's end.
    await approve.click({ timeout: 1_000 }).catch(() => {})
  }
  throw new Error(`Run ${count} still waits on consent cards after 60 s`)
}

function endedRun(count: number): string {
  return ['done', 'failed', 'stopped']
    .map((status) => `.sb-playground[data-run-count="${count}"][data-run-status="${status}"]`)
    .join(', ')
}
