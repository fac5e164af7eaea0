/** `npm run bench [emulator|browser]`: prints Sandbase's speed and size figures. */
import { benchEmulator } from './emulator.ts'
import { benchBrowser } from './browser.ts'

// One part alone, e.g. `npm run bench -- browser`, when only that part changed.
const only = process.argv[2]

if (!only || only === 'emulator') {
  console.log('# Emulator (Node, same process)')
  await benchEmulator()
}
if (!only || only === 'browser') {
  console.log('\n# Site (built, in headless Chromium)')
  await benchBrowser()
}
process.exit(0)
