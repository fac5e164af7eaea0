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
      const isCode = type === 'script' || /\.(m?js|wasm|data|tar\.gz)(\?|$)/.test(url)
      if (!isCode) return
      const body = await response.body().catch(() => null)
      if (!body) return
      const size = /\.tar\.gz/.test(url) ? body.length : gzipSync(body).length
      const isLate = (requestedAt.get(url) ?? 0) > loadedAt
      const isLazy = isWorker || isLate || /worker|\.wasm|\.data|snapshots/i.test(url)
      ;(isLazy ? lazyAssets : pageScripts).set(url, size)
    })

    await page.goto(`http://127.0.0.1:${port}${LESSON}`)
    const run = page.getByRole('button', { name: 'Run', exact: true })
    await run.waitFor()
    const cold = await page.evaluate(measureRun, 1)
    const warmRuns: Awaited<ReturnType<typeof measureRun>>[] = []
    for (let i = 2; i < WARM_RUNS + 2; i++) warmRuns.push(await page.evaluate(measureRun, i))
    const warm = warmRuns.map(({ clickToRender }) => clickToRender)
    await page.waitForTimeout(500)

    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
    const sum = (sizes: Map<string, number>) => [...sizes.values()].reduce((a, b) => a + b, 0)
    console.log(
      `cold lesson (${LESSON}): first result ${cold.sinceNavigation.toFixed(0)} ms after navigation (target ≤ 2500 ms)`,
    )
    console.log(
      `later Runs, click to rendered response: p50 ${median(warm).toFixed(0)} ms over ${WARM_RUNS} (target ≤ 50 ms)`,
    )
    console.log(`  cold, ms since navigation: ${formatMoments(cold.moments, BOOT_MOMENTS)}`)
    console.log(`  cold Run, ms since click: ${formatMoments(cold.sinceClick, RUN_MOMENTS)}`)
    const warmMedians = Object.fromEntries(
      RUN_MOMENTS.map((name) => [name, median(warmRuns.map(({ sinceClick }) => sinceClick[name]))]),
    )
    console.log(`  later Runs, p50 ms since click: ${formatMoments(warmMedians, RUN_MOMENTS)}`)
    console.log(
      `JavaScript the page loads itself: ${kb(sum(pageScripts))} gzipped in ${pageScripts.size} files (target ≤ 100 KB)`,
    )
    console.log(
      `loaded lazily (editor, compiler, Workers: SDK, PGlite and its file bundle, snapshot): ${kb(sum(lazyAssets))} gzipped`,
    )
  } finally {
    await browser.close()
    preview.kill()
  }
}

// The runner's marks (src/runner/marks.ts) during the boot, and during a Run.
const BOOT_MOMENTS = [
  'boot',
  'snapshot-fetched',
  'starting-postgres',
  'booted',
  'spare-ready',
  'compiler-ready',
  'clicked',
  'rendered',
]
// `request` and `response`: the emulator Worker's trace of the Run's (last) request.
const RUN_MOMENTS = ['run', 'compiled', 'started', 'request', 'response', 'finished', 'rendered']

function formatMoments(moments: Record<string, number | undefined>, names: string[]): string {
  return names
    .filter((name) => moments[name] !== undefined)
    .map((name) => `${name} ${moments[name]!.toFixed(0)}`)
    .join(' · ')
}

// Runs in the page: presses Run (as soon as it is enabled) and waits until Run `count` has
// rendered its outcome, timed from the click and from navigation start.
async function measureRun(count: number) {
  const playground = document.querySelector<HTMLElement>('.sb-playground')!
  const button = [...document.querySelectorAll('button')].find(
    (b) => b.textContent?.trim() === 'Run',
  )!
  while (button.disabled) await new Promise((resolve) => setTimeout(resolve, 5))
  const clickedAt = performance.now()
  button.click()
  await new Promise<void>((resolve, reject) => {
    // A Run that never ends should fail the bench, not hang it.
    setTimeout(() => reject(new Error(`Run ${count} did not end within 60 s`)), 60_000)
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
  // The latest mark of each name; the breakdown is printed, never used as the figure.
  const moments: Record<string, number> = { clicked: clickedAt, rendered: renderedAt }
  for (const entry of performance.getEntriesByType('mark')) {
    if (entry.name.startsWith('sandbase:')) moments[entry.name.slice(9)] = entry.startTime
  }
  const sinceClick: Record<string, number> = {}
  for (const [name, at] of Object.entries(moments)) {
    if (at >= clickedAt) sinceClick[name] = at - clickedAt
  }
  return {
    clickToRender: renderedAt - clickedAt,
    sinceNavigation: renderedAt,
    moments,
    sinceClick,
  }
}
