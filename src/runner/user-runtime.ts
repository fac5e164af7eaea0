/** The `console` the reader's compiled code sees: it posts structured values to the page. */
import type { ConsoleLevel, Logged } from './protocol.ts'
import { toLogged } from './serialize.ts'

export type PostConsole = (level: ConsoleLevel, args: Logged[]) => void

/** A console whose calls become `console` messages for the Console pane. */
export function createCapturingConsole(postConsole: PostConsole): Console {
  const send =
    (level: ConsoleLevel) =>
    (...args: unknown[]) =>
      postConsole(level, args.map((arg) => toLogged(arg)))
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
