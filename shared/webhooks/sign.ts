/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
 * `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 with the decoded `whsec_` key, sent as
 * `v1,<base64>`; one signature per key, space-separated, so a receiver can rotate its secret.
 * node:crypto does this in a few lines; test/e2e/callbacks.e2e.test.ts proves receivers using the
 * `standardwebhooks` package accept it.
 */
import { createHash, createHmac } from 'node:crypto';

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signWebhook(id: string, timestampS: number, body: string, keys: readonly Buffer[]): WebhookHeaders {
  const content = `${id}.${timestampS}.${body}`;
  const signatures = keys.map((key) => `v1,${createHmac('sha256', key).update(content).digest('base64')}`);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampS), 'webhook-signature': signatures.join(' ') };
}

/**
 * The same job in the same state is the same message, however many callbacks or retries carry it,
 * so receivers can drop duplicates by `webhook-id`. Hashed so the id is opaque and fixed-length.
 */
export function webhookId(parts: { family: string; bucket: string; region: string; jobId: string; state: string }): string {
  const key = [parts.family, parts.bucket, parts.region, parts.jobId, parts.state].join('\n');
  return `msg_${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
}
