/**
 * A WebSocket-shaped transport that supabase-js's realtime client can be given
 * (`realtime: { transport }`), so no real socket is ever opened.
 */

// Not yet: the Phoenix channel protocol (broadcast, presence, postgres_changes); the
// socket closes right after opening with code 1011 and a reason that says so.
export class EmulatorSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3

  readyState = EmulatorSocket.CONNECTING
  binaryType = 'arraybuffer'
  onopen: ((event: unknown) => void) | null = null
  onclose: ((event: { code: number; reason: string }) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: string }) => void) | null = null

  constructor(readonly url: string) {
    queueMicrotask(() => this.close(1011, 'Sandbase does not emulate realtime yet'))
  }

  send(): void {}

  close(code = 1000, reason = ''): void {
    if (this.readyState === EmulatorSocket.CLOSED) return
    this.readyState = EmulatorSocket.CLOSED
    this.onclose?.({ code, reason })
  }
}
