/**
 * JWT verification for browser apps that already have a login: HS256 with a shared secret, or
 * asymmetric keys from a JWKS URL (fetched and cached by jose). Issuer and audience are always
 * checked; `exp` is required (a token that never expires is a password); an `iat` in the future
 * is refused. A little clock tolerance absorbs drift between the issuer and SCF.
 */
import type { JWTVerifyGetKey } from 'jose';

// jose is loaded on the first JWT, not at cold start: only AUTH_MODE=jwt needs it. The build keeps
// it out of the bundle and ships it beside it (scripts/build.mjs), as it does ioredis.
const loadJose = () => import('jose');

export interface JwtSettings {
  secret?: Uint8Array;
  jwksUrl?: URL;
  issuer: string;
  audience: string;
  clockToleranceS: number;
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];
// One key set per URL for the life of the warm instance: jose caches keys and rate-limits refetches.
const keySets = new Map<string, JWTVerifyGetKey>();

async function keySetFor(url: URL): Promise<JWTVerifyGetKey> {
  let keySet = keySets.get(url.href);
  if (!keySet) {
    const { createRemoteJWKSet } = await loadJose();
    keySet = createRemoteJWKSet(url, { timeoutDuration: 2000, cooldownDuration: 30_000 });
    keySets.set(url.href, keySet);
  }
  return keySet;
}

/** Resolves when the token is valid; rejects (any error) when it is not. */
export async function verifyJwt(token: string, settings: JwtSettings, nowS = Date.now() / 1000): Promise<void> {
  const options = {
    clockTolerance: settings.clockToleranceS,
    issuer: settings.issuer,
    audience: settings.audience,
    requiredClaims: ['exp'],
    currentDate: new Date(nowS * 1000),
  };
  const { jwtVerify } = await loadJose();
  let payload;
  if (settings.secret) ({ payload } = await jwtVerify(token, settings.secret, { ...options, algorithms: ['HS256'] }));
  else if (settings.jwksUrl)
    ({ payload } = await jwtVerify(token, await keySetFor(settings.jwksUrl), { ...options, algorithms: ASYMMETRIC }));
  else throw new Error('no JWT key configured');
  // jose checks `iat` only together with a maximum age; a token "issued" in the future is forged or
  // from a broken clock either way.
  if (typeof payload.iat === 'number' && payload.iat > nowS + settings.clockToleranceS) throw new Error('iat is in the future');
}
