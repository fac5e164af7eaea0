/**
 * Secrets the auth service makes and checks: password hashes (PBKDF2 through WebCrypto, so
 * they work in a Worker and in Node), random tokens, one-time codes and token hashes.
 */

const encoder = new TextEncoder()

// GoTrue uses bcrypt at cost 10. PBKDF2 at this count is as slow to brute-force per guess
// while keeping a sign-in in the page well under a tenth of a second.
const PBKDF2_ITERATIONS = 20_000
const PBKDF2_PREFIX = 'pbkdf2-sha256'

/** Hashes a password as `pbkdf2-sha256$<iterations>$<salt>$<hash>`, salt and hash in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await derive(password, salt, PBKDF2_ITERATIONS)
  return [PBKDF2_PREFIX, PBKDF2_ITERATIONS, toBase64(salt), toBase64(hash)].join('$')
}

/**
 * Checks a password against a stored hash; an empty or foreign hash never matches.
 * Not yet: bcrypt hashes (`$2a$...`, what seed scripts write with pgcrypto's `crypt()`); a
 * user stored with one cannot sign in with a password and gets `invalid_credentials`.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const [prefix, iterations, salt, hash] = (stored ?? '').split('$')
  if (prefix !== PBKDF2_PREFIX || !salt || !hash) return false

  const derived = await derive(password, fromBase64(salt), Number(iterations))
  return equalInConstantTime(toBase64(derived), hash)
}

async function derive(password: string, salt: Uint8Array, iterations: number) {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, [
    'deriveBits',
  ])
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    key,
    256,
  )
  return new Uint8Array(bits)
}

/** A URL-safe random token, like GoTrue's refresh tokens and auth codes. */
export function createRandomToken(bytes = 16): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/** A numeric one-time code of the given length, as emailed or texted. */
export function createOtp(length: number): string {
  const digits = crypto.getRandomValues(new Uint32Array(length))
  return Array.from(digits, (value) => String(value % 10)).join('')
}

/** Lower-case hex SHA-256 of a string. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(value))
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** Base64url SHA-256 of a string, the PKCE S256 transform. */
export async function sha256Base64Url(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(value))
  return toBase64(new Uint8Array(digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * The hash GoTrue stores for an emailed or texted code: the hash of the address and the code,
 * so a link can carry it without revealing the code.
 */
export function hashToken(address: string, otp: string): Promise<string> {
  return sha256Hex(address.toLowerCase() + otp)
}

function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let index = 0; index < a.length; index++)
    difference |= a.charCodeAt(index) ^ b.charCodeAt(index)
  return difference === 0
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

function fromBase64(value: string): Uint8Array {
  return Uint8Array.from(atob(value), (char) => char.charCodeAt(0))
}
