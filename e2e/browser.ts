/**
 * Debian's Chromium driven by playwright-core, for the end-to-end tests and screenshots:
 * headless, no network beyond the local preview server, a fresh profile each launch.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The preview server the e2e script started, e.g. `http://127.0.0.1:4399`. */
export function getBaseUrl(): string {
  const url = process.env.E2E_BASE_URL
  if (!url) throw new Error('E2E_BASE_URL is not set: run the e2e tests with `npm run e2e`')
  return url
}

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

/** Launches Chromium with a fresh user-data-dir, removed again on close. */
export async function launchBrowser(
  options: { colorScheme?: 'light' | 'dark' } = {},
): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'sandbase-e2e-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    args: ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
  })
  return {
    context,
    async close() {
      await context.close()
      await rm(userDataDir, { recursive: true, force: true })
    },
  }
}
