/**
 * Sandbase's Inbox: the emails and texts a real project would send. Each is emitted as a
 * trace event and kept, newest first, for `GET /auth/v1/__sandbase/inbox` (Sandbase's own
 * endpoint, not GoTrue's), so a reader can click the link and a lesson can read the code.
 */
import type { Tracer } from '../trace.ts'

export type MessageKind =
  | 'confirmation'
  | 'invite'
  | 'magiclink'
  | 'recovery'
  | 'email_change_current'
  | 'email_change_new'
  | 'reauthentication'
  | 'sms_otp'
  | 'phone_change'

export interface OutgoingMessage {
  channel: 'email' | 'sms'
  to: string
  subject: string
  kind: MessageKind
  text: string
  link?: string
  code?: string
}

export interface InboxMessage {
  id: number
  channel: 'email' | 'sms'
  to: string
  subject: string
  kind: MessageKind
  text: string
  link: string | null
  code: string | null
  sent_at: string
}

export interface Inbox {
  deliver(requestId: number, messages: OutgoingMessage[]): void
  /** Messages newest first, optionally only those sent to one address. */
  list(to?: string): InboxMessage[]
  clear(): void
}

/** Creates an empty inbox whose deliveries are also traced. */
export function createInbox(tracer: Tracer): Inbox {
  let messages: InboxMessage[] = []
  let lastId = 0

  return {
    deliver(requestId, outgoing) {
      for (const message of outgoing) {
        lastId += 1
        const { channel, to, subject, kind, text, link, code } = message
        messages.unshift({
          id: lastId,
          channel,
          to,
          subject,
          kind,
          text,
          link: link ?? null,
          code: code ?? null,
          sent_at: new Date().toISOString(),
        })
        if (channel === 'email') {
          tracer.emit({ type: 'email', requestId, to, subject, kind, text, link, code })
        } else {
          tracer.emit({ type: 'sms', requestId, to, text, code, kind })
        }
      }
    },
    list(to) {
      const wanted = to?.toLowerCase()
      return wanted ? messages.filter((message) => message.to.toLowerCase() === wanted) : messages
    },
    clear() {
      messages = []
    },
  }
}

const SUBJECTS: Record<MessageKind, string> = {
  confirmation: 'Confirm Your Signup',
  invite: 'You have been invited',
  magiclink: 'Your Magic Link',
  recovery: 'Reset Your Password',
  email_change_current: 'Confirm Email Change',
  email_change_new: 'Confirm Email Change',
  reauthentication: 'Confirm reauthentication',
  sms_otp: 'Your code',
  phone_change: 'Your code',
}

/** An email with the link and the code, worded like Supabase's default templates. */
export function composeEmail(
  kind: MessageKind,
  to: string,
  code: string,
  link?: string,
): OutgoingMessage {
  const action = link ? `Follow this link: ${link}\n` : ''
  return {
    channel: 'email',
    to,
    subject: SUBJECTS[kind],
    kind,
    text: `${SUBJECTS[kind]}\n\n${action}Alternatively, enter the code: ${code}`,
    link,
    code,
  }
}

/** A text message carrying a code, as GoTrue's default SMS template words it. */
export function composeSms(
  kind: 'sms_otp' | 'phone_change' | 'reauthentication',
  to: string,
  code: string,
): OutgoingMessage {
  return { channel: 'sms', to, subject: SUBJECTS[kind], kind, text: `Your code is ${code}`, code }
}
