/** `npm run bench`: prints Sandbase's speed and size figures. */
import { benchEmulator } from './emulator.ts'
import { benchBrowser } from './browser.ts'

console.log('# Emulator (Node, same process)')
await benchEmulator()
console.log('\n# Site (built, in headless Chromium)')
await benchBrowser()
process.exit(0)
