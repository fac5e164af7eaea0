/** GoTrue's checks on an email address, a phone number and a new password. */
import { AuthError, badRequest } from './errors.ts'
import type { AuthSettings } from './settings.ts'

// Close to the format check GoTrue's mail library applies: one @, a dotted domain, no spaces.
const EMAIL_FORMAT = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

/** Validates an email address and lower-cases it, as GoTrue stores it. */
export function validateEmail(email: string | undefined): string {
  if (!email) throw badRequest('validation_failed', 'An email address is required')
  if (email.length > 255) throw badRequest('validation_failed', 'An email address is too long')
  if (!EMAIL_FORMAT.test(email)) {
    throw badRequest('validation_failed', 'Unable to validate email address: invalid format')
  }
  return email.toLowerCase()
}

/** Validates a phone number in E.164 and strips it to digits, as GoTrue stores it. */
export function validatePhone(phone: string | undefined): string {
  const digits = (phone ?? '').replace(/[\s+\-()]/g, '')
  if (!/^[1-9]\d{1,14}$/.test(digits)) {
    throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)')
  }
  return digits
}

/** Rejects a password shorter than the project's minimum with GoTrue's `weak_password`. */
export function validatePassword(password: string, settings: AuthSettings) {
  const minimum = settings.password_min_length
  if (password.length < minimum) {
    throw new AuthError(
      422,
      'weak_password',
      `Password should be at least ${minimum} characters.`,
      {
        weak_password: { reasons: ['length'] },
      },
    )
  }
}
