/** GET /health — liveness only: never calls CI and needs no credentials. */
import { json } from '../http/response';
import type { HttpResponse } from '../http/types';

export const getHealth = (): HttpResponse => json(200, { status: 'ok' }, { 'cache-control': 'no-store' });
