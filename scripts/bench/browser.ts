/**
 * Browser figures for a built site, measured in Debian's Chromium: a cold lesson's first
 * result after navigation, click-to-render time of later Runs, and the bytes of JavaScript
 * the page itself loads (gzipped) versus what its Workers load lazily.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { launchBrowser } from '../../e2e/browser.ts'

const LESSON = '/lessons/database/select/'
const WARM_RUNS = 15

async function startPreview(port: number): Promise<ChildProcess> {
  const preview = spawn(
    'node_modules/.bin/astro',
    ['preview', '--host', '127.0.0.1', '--port', String(port)],
    { stdio: 'ignore' },
  )
  for (let attempt = 0; attempt < 150; attempt++) {
    const response = await fetch(`http://127.0.0.1:${port}/`).catch(() => null)
    if (response?.ok) return preview
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  preview.kill()
  throw new Error('astro preview did not start')
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** Prints the browser figures; needs `npm run build` first. */
export async function benchBrowser(): Promise<void> {
  if (!existsSync('dist/index.html')) {
    console.log('(skipped: no dist/ — run `npm run build` first)')
    return
  }
  const port = 4500 + Math.floor(Math.random() * 400)
  const preview = await startPreview(port)
  const browser = await launchBrowser()
  try {
    const page = await browser.context.newPage()
    const pageScripts = new Map<string, number>()
    const lazyAssets = new Map<string, number>()
    // What the page needs to become interactive: scripts it requested before its load
    // event. Later ones (the editor, the compiler) and everything Workers fetch are lazy.
    let loadedAt = Infinity
    const requestedAt = new Map<string, number>()
    page.on('request', (request) => requestedAt.set(request.url(), Date.now()))
    page.on('load', () => (loadedAt = Date.now()))
    page.on('response', async (response) => {
      const url = response.url()
      const isWorker = (() => {
        try {
          return response.request().frame() === null
        } catch {
          return true
        }
      })()
      const type = response.request().resourceType()
      const isCode = type === 'script' || /\.(m?js|wasm|tar\.gz)(\?|$)/.test(url)
      if (!isCode) return
      const body = await response.body().catch(() => null)
      if (!body) return
      const size = /\.tar\.gz/.test(url) ? body.length : gzipSync(body).length
      const isLate = (requestedAt.get(url) ?? 0) > loadedAt
      const isLazy = isWorker || isLate || /worker|\.wasm|snapshots/i.test(url)
      ;(isLazy ? lazyAssets : pageScripts).set(url, size)
    })

    await page.goto(`http://127.0.0.1:${port}${LESSON}`)
    const run = page.getByRole('button', { name: 'Run', exact: true })
    await run.waitFor()
    const cold = await page.evaluate(measureRun, 1)
    const warm: number[] = []
    for (let i = 2; i < WARM_RUNS + 2; i++) warm.push((await page.evaluate(measureRun, i)).clickToRender)
    await page.waitForTimeout(500)

    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
    const sum = (sizes: Map<string, number>) => [...sizes.values()].reduce((a, b) => a + b, 0)
    console.log(`cold lesson (${LESSON}): first result ${cold.sinceNavigation.toFixed(0)} ms after navigation (target ≤ 2500 ms)`)
    console.log(`later Runs, click to rendered response: p50 ${median(warm).toFixed(0)} ms over ${WARM_RUNS} (target ≤ 50 ms)`)
    console.log(`JavaScript the page loads itself: ${kb(sum(pageScripts))} gzipped in ${pageScripts.size} files (target ≤ 100 KB)`)
    console.log(`loaded lazily (editor, compiler, Workers: SDK, PGlite, snapshot): ${kb(sum(lazyAssets))} gzipped`)
  } finally {
    await browser.close()
    preview.kill()
  }
}

// Runs in the page: presses Run (as soon as it is enabled) and waits until Run `count` has
// rendered its outcome, timed from the click and from navigation start.
async function measureRun(count: number) {
  const playground = document.querySelector<HTMLElement>('.sb-playground')!
  const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Run')!
  while (button.disabled) await new Promise((resolve) => setTimeout(resolve, 5))
  const clickedAt = performance.now()
  button.click()
  await new Promise<void>((resolve) => {
    const isDone = () =>
      playground.dataset.runCount === String(count) &&
      ['done', 'failed', 'stopped'].includes(playground.dataset.runStatus ?? '')
    if (isDone()) return resolve()
    const observer = new MutationObserver(() => {
      if (!isDone()) return
      observer.disconnect()
      resolve()
    })
    observer.observe(playground, { attributes: true })
  })
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
  const renderedAt = performance.now()
  return { clickToRender: renderedAt - clickedAt, sinceNavigation: renderedAt }
}

