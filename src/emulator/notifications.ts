/**
 * `LISTEN` for the emulator's own listeners, whichever way the statement that notifies
 * reached Postgres.
 *
 * PGlite delivers a notification to `db.listen` listeners only when its own codec reads the
 * reply; requests speak the wire protocol themselves (`wire-transaction.ts`) and hand the
 * notifications they read to `deliverNotifications`, which reaches the same listeners.
 */
import type { PGlite } from '@electric-sql/pglite'
import type { Notification } from './wire-protocol.ts'

type Listener = (payload: string) => void

const listenersByDb = new WeakMap<PGlite, Map<string, Set<Listener>>>()

/** Listens on `channel` (a lower-case name) for statements run through either path. */
export async function listenToChannel(
  db: PGlite,
  channel: string,
  listener: Listener,
): Promise<void> {
  let channels = listenersByDb.get(db)
  if (!channels) {
    channels = new Map()
    listenersByDb.set(db, channels)
  }
  let listeners = channels.get(channel)
  if (!listeners) {
    listeners = new Set()
    channels.set(channel, listeners)
  }
  listeners.add(listener)
  await db.listen(channel, listener)
}

/** Hands notifications read from a wire-protocol reply to the channel's listeners. */
export function deliverNotifications(db: PGlite, notifications: Notification[]): void {
  const channels = listenersByDb.get(db)
  for (const { channel, payload } of notifications) {
    // After the reply is handled, as PGlite delivers its own.
    for (const listener of channels?.get(channel) ?? []) queueMicrotask(() => listener(payload))
  }
}
