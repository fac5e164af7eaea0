/**
 * PKCE, as GoTrue runs it: a flow that starts with a `code_challenge` stores it in
 * `auth.flow_state`; the redirect carries an auth code instead of tokens; the client trades
 * that code and its verifier at `POST /token?grant_type=pkce`.
 */
import type { AuthRequest } from './context.ts'
import { readString } from './context.ts'
import { createRandomToken, sha256Base64Url } from './crypto.ts'
import { AuthError, badRequest, notFound } from './errors.ts'

export interface FlowState {
  id: string
  user_id: string | null
  auth_code: string
  code_challenge_method: 's256' | 'plain'
  code_challenge: string
  provider_type: string
  authentication_method: string
  created_at: Date
}

export interface Challenge {
  challenge: string
  method: 's256' | 'plain'
}

// GoTrue lets an auth code be traded for five minutes.
const FLOW_STATE_LIFETIME_SECONDS = 300

/** Reads `code_challenge` and its method from a body; `null` for the implicit flow. */
export function readChallenge(body: Record<string, unknown>): Challenge | null {
  const challenge = readString(body, 'code_challenge')
  const method = readString(body, 'code_challenge_method')
  return parseChallenge(challenge, method)
}

/** Validates a challenge and its method as GoTrue does. */
export function parseChallenge(challenge?: string | null, method?: string | null) {
  if (!challenge && !method) return null
  if (!challenge || !method) {
    throw badRequest(
      'validation_failed',
      'PKCE flow requires code_challenge_method and code_challenge',
    )
  }
  const normalized = method.toLowerCase()
  if (normalized !== 's256' && normalized !== 'plain') {
    throw badRequest('validation_failed', `code challenge method not supported: ${method}`)
  }
  if (challenge.length < 43 || challenge.length > 128) {
    throw badRequest('validation_failed', 'code challenge has to be between 43 and 128 characters')
  }
  return { challenge, method: normalized as Challenge['method'] }
}

/** Stores a flow state; the auth code is what the redirect will carry. */
export async function createFlowState(
  auth: AuthRequest,
  challenge: Challenge,
  providerType: string,
  authenticationMethod: string,
  userId: string | null,
): Promise<FlowState> {
  const { rows } = await auth.sql.query<FlowState>(
    `insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge,
       provider_type, authentication_method, created_at, updated_at)
     values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, now(), now()) returning *`,
    [
      userId,
      crypto.randomUUID(),
      challenge.method,
      challenge.challenge,
      providerType,
      authenticationMethod,
    ],
  )
  return rows[0]
}

/** The newest flow a user started for a method, if the redirect should carry a code. */
export async function findFlowState(
  auth: AuthRequest,
  userId: string,
  authenticationMethod: string,
): Promise<FlowState | null> {
  const { rows } = await auth.sql.query<FlowState>(
    `select * from auth.flow_state where user_id = $1 and authentication_method = $2
       and auth_code_issued_at is null
     order by created_at desc limit 1`,
    [userId, authenticationMethod],
  )
  return rows[0] ?? null
}

/** Marks the code as handed out and returns it (a fresh one, as GoTrue rotates it). */
export async function issueAuthCode(
  auth: AuthRequest,
  flow: FlowState,
  userId: string,
): Promise<string> {
  const code = crypto.randomUUID()
  await auth.sql.query(
    `update auth.flow_state set auth_code = $2, auth_code_issued_at = now(), updated_at = now(),
       user_id = $3
     where id = $1`,
    [flow.id, code, userId],
  )
  return code
}

/** Checks an auth code and its verifier and consumes the flow; returns it. */
export async function redeemAuthCode(auth: AuthRequest): Promise<FlowState> {
  const authCode = readString(auth.body, 'auth_code')
  const verifier = readString(auth.body, 'code_verifier')
  if (!authCode || !verifier) {
    throw badRequest(
      'validation_failed',
      'invalid request: both auth code and code verifier should be non-empty',
    )
  }

  const { rows } = await auth.sql.query<FlowState & { issued: Date | null }>(
    `select *, auth_code_issued_at as issued from auth.flow_state where auth_code = $1`,
    [authCode],
  )
  const flow = rows[0]
  if (!flow || !flow.user_id) {
    throw notFound('flow_state_not_found', 'invalid flow state, no valid flow state found')
  }
  const issuedAt = (flow.issued ?? flow.created_at).getTime()
  if (auth.now.getTime() - issuedAt > FLOW_STATE_LIFETIME_SECONDS * 1000) {
    throw new AuthError(400, 'flow_state_expired', 'invalid flow state, flow state has expired')
  }

  const expected =
    flow.code_challenge_method === 's256' ? await sha256Base64Url(verifier) : verifier
  if (expected !== flow.code_challenge) {
    throw badRequest(
      'bad_code_verifier',
      'code challenge does not match previously saved code verifier',
    )
  }
  await auth.sql.query('delete from auth.flow_state where id = $1', [flow.id])
  return flow
}

/** A random state value for redirects that need one. */
export function createState(): string {
  return createRandomToken(16)
}
