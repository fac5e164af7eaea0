/** `npm run bench`: prints Sandbase's speed and size figures. */
import { benchEmulator } from './emulator.ts'

console.log('# Emulator (Node, same process)')
await benchEmulator()
process.exit(0)
