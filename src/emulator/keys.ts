/**
 * Project keys and JWT handling. Like a Supabase project, the anon and service_role keys
 * are HS256 JWTs signed with the project's JWT secret, and every request's bearer token is
 * verified with that same secret before its `role` claim picks the Postgres role.
 */
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose'

/** The JWT secret `supabase start` uses by default; fine for a sandbox that never leaves the page. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long'

export type Claims = JWTPayload & { role?: string; [claim: string]: unknown }

export interface ProjectKeys {
  jwtSecret: string
  anonKey: string
  serviceRoleKey: string
}

const encoder = new TextEncoder()

/** Signs claims as an HS256 JWT with the project's secret. */
export async function signJwt(claims: Claims, jwtSecret: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(encoder.encode(jwtSecret))
}

/** Makes the anon and service_role keys, valid for ten years like the CLI's demo keys. */
export async function createProjectKeys(jwtSecret = DEFAULT_JWT_SECRET): Promise<ProjectKeys> {
  const iat = Math.floor(Date.now() / 1000)
  const exp = iat + 10 * 365 * 24 * 3600
  const base = { iss: 'supabase-demo', iat, exp }

  return {
    jwtSecret,
    anonKey: await signJwt({ ...base, role: 'anon' }, jwtSecret),
    serviceRoleKey: await signJwt({ ...base, role: 'service_role' }, jwtSecret),
  }
}

export type JwtFailure = 'expired' | 'invalid-signature' | 'malformed' | 'invalid-claims'

export type VerifyResult = { ok: true; claims: Claims } | { ok: false; failure: JwtFailure }

// Verified tokens by secret and token text: the same bytes verify the same way, so only
// expiry needs checking again. Every request carries the same key, often twice.
const verifiedCache = new Map<string, Claims>()
const VERIFIED_CACHE_SIZE = 256

/** Verifies an HS256 token; failures are values so each service can answer in its own shape. */
export async function verifyJwt(token: string, jwtSecret: string): Promise<VerifyResult> {
  const cacheKey = `${jwtSecret}\u0000${token}`
  const cached = verifiedCache.get(cacheKey)
  if (cached) {
    const isExpired = typeof cached.exp === 'number' && cached.exp <= Date.now() / 1000
    if (!isExpired) return { ok: true, claims: cached }
    verifiedCache.delete(cacheKey)
  }

  const result = await verifyUncached(token, jwtSecret)
  if (result.ok) {
    if (verifiedCache.size >= VERIFIED_CACHE_SIZE) verifiedCache.clear()
    verifiedCache.set(cacheKey, result.claims)
  }
  return result
}

async function verifyUncached(token: string, jwtSecret: string): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(jwtSecret), {
      algorithms: ['HS256'],
    })
    return { ok: true, claims: payload as Claims }
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, failure: 'expired' }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
      return { ok: false, failure: 'invalid-signature' }
    }
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      return { ok: false, failure: 'invalid-claims' }
    }
    return { ok: false, failure: 'malformed' }
  }
}
