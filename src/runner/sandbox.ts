/**
 * Locks a user Worker to the page: its only network is the emulator bridge. Nothing the
 * reader's code does can reach another host, by design rather than by convention.
 */
import { EmulatorSocket } from '../emulator/realtime/transport.ts'

// Ways a worker could reach the network other than the bridge.
const BLOCKED = ['XMLHttpRequest', 'EventSource', 'WebTransport', 'Worker', 'SharedWorker']

/** Replaces the worker's network globals, on the global and on its prototypes. */
export function lockNetwork(bridgeFetch: typeof fetch): void {
  const targets = prototypeChain(globalThis)

  for (const target of targets) {
    if (Object.hasOwn(target, 'fetch')) define(target, 'fetch', bridgeFetch)
    for (const name of BLOCKED) if (Object.hasOwn(target, name)) define(target, name, blocked(name))
    if (Object.hasOwn(target, 'importScripts'))
      define(target, 'importScripts', blocked('importScripts'))
    // Clients the reader creates open their realtime socket to the emulator too.
    if (Object.hasOwn(target, 'WebSocket')) define(target, 'WebSocket', EmulatorSocket)
  }
  define(globalThis, 'fetch', bridgeFetch)
  define(globalThis, 'WebSocket', EmulatorSocket)
}

function prototypeChain(object: object): object[] {
  const chain: object[] = []
  for (let current: object | null = object; current; current = Object.getPrototypeOf(current)) {
    chain.push(current)
  }
  return chain
}

function define(target: object, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, writable: false, configurable: false })
}

function blocked(name: string) {
  return function blockedApi(): never {
    throw new TypeError(`${name} is not available in Sandbase: nothing leaves the page`)
  }
}
