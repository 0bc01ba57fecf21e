/** SCF entry point: adapt the event, run the shared app, adapt the answer. Nothing else lives here. */
import { handle } from '../../shared/app';
import { badRequest } from '../../shared/http/errors';
import { errorResponse } from '../../shared/http/response';
import { toHttpRequest, toScfResult } from '../../shared/scf/adapter';
import type { ScfContext, ScfHttpResult } from '../../shared/scf/event';

export async function main_handler(event: unknown, context?: ScfContext): Promise<ScfHttpResult> {
  const invokedAt = Date.now();
  const req = toHttpRequest(event);
  if (!req) {
    const requestId = context?.request_id ?? 'none';
    return toScfResult(errorResponse(badRequest('InvalidEvent', 'This function only handles HTTP events'), requestId));
  }
  return toScfResult(await handle(req, { ...(context ? { context } : {}), invokedAt }));
}

/**
 * Not an SCF entry point: closes the instance's Redis connections (if REDIS_URL opened any), so
 * local tools and tests can let their process end. SCF itself just freezes or drops the instance.
 */
export { closeRedisLink as shutdown } from '../../shared/fleet/redis-link';
