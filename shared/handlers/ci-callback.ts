/**
 * POST /callbacks/ci?token=… — CI's job-finished callback, turned into a verified, signed webhook.
 * The token proves the caller was given our callback URL; the body is still not believed: only the
 * job ids (and Tag, to pick the endpoint) are read from it, and each job is looked up in CI with
 * our own signed call. CI's answer is cached, wakes long-polls, and is forwarded to WEBHOOK_URLS.
 * CI gets 204 once that is done, whether or not the ids were real (the answer tells a forger
 * nothing) and whether or not a receiver was reachable (its failures are logged, not CI's concern).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { storeVerifiedJob } from '../cache/store-verified-job';
import { MAX_CALLBACK_BYTES } from '../callbacks/limits';
import { parseCallback } from '../callbacks/parse-callback';
import { type CallbackConfig, readCallbackConfig } from '../config/callback-env';
import type { Deadline } from '../deadline';
import { ApiError, payloadTooLarge } from '../http/errors';
import type { HttpResponse } from '../http/types';
import { forwardWebhook, logDelivery } from '../webhooks/forward';
import { webhookId } from '../webhooks/sign';
import { type VerifiedJob, verifyCallbackJobs } from './ci-callback-verify';
import type { RouteContext } from './context';

export async function postCiCallback(ctx: RouteContext): Promise<HttpResponse> {
  const { req } = ctx;
  const settings = readCallbackConfig();
  if (!tokenMatches(settings.token, req.query.token)) throw new ApiError(401, 'Unauthorized', 'This callback URL needs its token');
  const body = req.body ?? '';
  if (Buffer.byteLength(body, 'utf8') > MAX_CALLBACK_BYTES) throw payloadTooLarge(MAX_CALLBACK_BYTES);
  const callback = parseCallback(body);

  const where = { bucket: req.query.bucket, region: req.query.region };
  const verified = await verifyCallbackJobs(callback.jobs, where, ctx);
  await Promise.all(
    verified.map((job) =>
      storeVerifiedJob(
        { family: job.family, bucket: job.target.bucket, region: job.target.region },
        job.result,
        job.jobId,
        ctx.config.cache,
      ),
    ),
  );
  await forwardAll(verified, settings, ctx.deadline);
  return { status: 204, headers: { 'cache-control': 'no-store' }, body: '' };
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(expected: string | undefined, given: string | undefined): boolean {
  if (expected === undefined || given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

async function forwardAll(verified: VerifiedJob[], settings: CallbackConfig, deadline: Deadline): Promise<void> {
  const deliveries = verified.flatMap((job) => {
    const message = {
      id: webhookId({ family: job.family, bucket: job.target.bucket, region: job.target.region, jobId: job.jobId, state: job.state }),
      // What GET /jobs/{type}/{id} answers: RequestId first, then CI's converted answer.
      body: JSON.stringify(job.envelope),
    };
    return settings.webhookUrls.map(async (url) => {
      const delivery = await forwardWebhook(url, message, settings.webhookKeys, deadline);
      logDelivery(delivery, message.id, job.jobId);
    });
  });
  await Promise.all(deliveries);
}
