import type { AuthHandler } from './context.ts'
import { notYet } from './errors.ts'

export const handleIdTokenGrant: AuthHandler = async () => { throw notYet('id_token') }
export const handleAuthorize = handleIdTokenGrant
export const handleCallback = handleIdTokenGrant
export const handleConsent = handleIdTokenGrant
export const handleConsentDecision = handleIdTokenGrant
export const handleLinkIdentity = handleIdTokenGrant
export const handleMintIdToken = handleIdTokenGrant
export const handleSso = handleIdTokenGrant
export const handleUnlinkIdentity = handleIdTokenGrant
