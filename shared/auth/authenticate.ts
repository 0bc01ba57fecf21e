/**
 * Caller authentication, chosen by AUTH_MODE: `none`, `apikey` (webhook callers) or `jwt`
 * (browser apps with a login). Failures are 401 with WWW-Authenticate and say nothing about
 * which part was wrong beyond "missing" versus "invalid".
 */
import { unauthorized } from '../http/errors';
import type { HttpRequest } from '../http/types';
import { apiKeyMatches } from './api-key';
import { type JwtSettings, verifyJwt } from './jwt';

export type AuthPolicy = { mode: 'none' } | { mode: 'apikey'; hashes: readonly Buffer[] } | { mode: 'jwt'; jwt: JwtSettings };

const BEARER = /^Bearer\s+(\S{1,4096})\s*$/i;

function presentedCredential(req: HttpRequest): string | undefined {
  const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? (req.headers['x-api-key'] || undefined);
}

export async function authenticate(req: HttpRequest, policy: AuthPolicy): Promise<void> {
  if (policy.mode === 'none') return;
  const credential = policy.mode === 'jwt' ? BEARER.exec(req.headers.authorization ?? '')?.[1] : presentedCredential(req);
  if (!credential) throw unauthorized('Send credentials: Authorization: Bearer <token>', 'invalid_request');
  if (policy.mode === 'apikey') {
    if (!apiKeyMatches(credential, policy.hashes)) throw unauthorized('The API key is not valid');
    return;
  }
  try {
    await verifyJwt(credential, policy.jwt);
  } catch {
    throw unauthorized('The token is not valid');
  }
}
