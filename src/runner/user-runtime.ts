/**
 * What the reader's compiled code gets from the page: a `console` that posts structured
 * values, and the auth storage that carries a session from one Run to the next.
 */
import type { ConsoleLevel, Logged } from './protocol.ts'
import { toLogged } from './serialize.ts'

export type PostConsole = (level: ConsoleLevel, args: Logged[]) => void

/** A console whose calls become `console` messages for the Console pane. */
export function createCapturingConsole(postConsole: PostConsole): Console {
  const send =
    (level: ConsoleLevel) =>
    (...args: unknown[]) =>
      postConsole(
        level,
        args.map((arg) => toLogged(arg)),
      )
  const log = send('log')

  // Not yet: console.group, console.time and console.count formatting; they log plainly.
  return new Proxy({} as Console, {
    get(_, name: string) {
      if (name === 'info' || name === 'warn' || name === 'error' || name === 'debug') {
        return send(name)
      }
      if (name === 'trace') return send('debug')
      return log
    },
  })
}

export interface SessionStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * An auth storage for supabase-js that starts from what the page kept and reports each
 * change back, so a session signed in during one Run is still there in the next.
 */
export function createSessionStorage(
  initial: Record<string, string>,
  onChange: (key: string, value: string | null) => void,
): SessionStorage {
  const items = new Map(Object.entries(initial))
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem(key, value) {
      items.set(key, value)
      onChange(key, value)
    },
    removeItem(key) {
      items.delete(key)
      onChange(key, null)
    },
  }
}
