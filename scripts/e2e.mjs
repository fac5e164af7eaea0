// Runs the end-to-end tests: makes sure Chromium is installed, builds the site when its
// sources are newer than the build, serves it with `astro preview` on a free loopback port,
// runs `e2e/*.spec.ts` against it, and stops the server again.
import { spawn, spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

const HOST = '127.0.0.1'
const SOURCES = ['src', 'content', 'public', 'astro.config.mjs', 'package.json']

function runStep(command, args) {
  const { status } = spawnSync(command, args, { stdio: 'inherit' })
  if (status !== 0) process.exit(status ?? 1)
}

function newestChange(path) {
  const stats = statSync(path, { throwIfNoEntry: false })
  if (!stats) return 0
  if (!stats.isDirectory()) return stats.mtimeMs
  return Math.max(0, ...readdirSync(path).map((name) => newestChange(join(path, name))))
}

function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function waitForServer(url, child) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`astro preview exited with ${child.exitCode}`)
    const response = await fetch(url).catch(() => null)
    if (response?.ok) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`astro preview did not answer at ${url}`)
}

runStep('bash', ['scripts/ensure-browser.sh'])

const builtAt = newestChange('dist/index.html')
if (process.argv.includes('--build') || builtAt < Math.max(...SOURCES.map(newestChange))) {
  runStep('npm', ['run', 'build'])
}

const port = await findFreePort()
const baseUrl = `http://${HOST}:${port}`
const preview = spawn(
  'node_modules/.bin/astro',
  ['preview', '--host', HOST, '--port', String(port)],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
  },
)
let tests = null
// Stopped from outside (Ctrl+C, a time limit): stop the server too.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    tests?.kill()
    preview.kill()
    process.exit(1)
  })
}
let status = 1
try {
  await waitForServer(`${baseUrl}/`, preview)
  const extra = process.argv.slice(2).filter((arg) => arg !== '--build')
  // Asynchronously, so that a signal can still stop the server while the tests run.
  tests = spawn('node_modules/.bin/vitest', ['run', '--config', 'e2e/vitest.config.ts', ...extra], {
    stdio: 'inherit',
    env: { ...process.env, E2E_BASE_URL: baseUrl },
  })
  status = await new Promise((resolve) => tests.on('exit', (code) => resolve(code ?? 1)))
} finally {
  preview.kill()
}
process.exit(status)
