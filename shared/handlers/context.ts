/** What every route handler gets: one typed context, built once per request by the app. */
import type { AttemptBudget } from '../ci/upstream-budget';
import type { Config } from '../config/env';
import type { Deadline } from '../deadline';
import type { HttpRequest } from '../http/types';
import type { ScfContext } from '../scf/event';
import type { Credentials } from '../signing/credentials';
import type { RequestTrace } from '../trace';

export interface RouteContext {
  req: HttpRequest;
  /** Path segments the route's pattern captured (`:type`, `:ids`). */
  params: Record<string, string>;
  /** Read once per request by the app. */
  config: Config;
  /** The execution role's keys, read per request (SCF rotates them); undefined without a role. */
  credentials: Credentials | undefined;
  /** The upstream deadline of this request: created by the app, disposed after the handler. */
  deadline: Deadline;
  /** Budget of one upstream lookup, for handlers that make several in turn (long-poll). */
  budgetMs: number;
  /** When SCF ends the invocation (epoch ms), if the platform says. */
  endsAt: number | undefined;
  /** What the request learned upstream, for its log line; handlers record into it, the CI layer never sees it. */
  trace: RequestTrace;
  /** CI attempts left to this request, retries and long-poll re-queries included; it counts those made. */
  attempts: AttemptBudget;
  /** This request's id (ours or the caller's), for answers built outside the app's envelope. */
  requestId: string;
  scf: ScfContext | undefined;
  /** The platform can send a body in chunks (web mode); an event function cannot. */
  canStream: boolean;
  /** Fires when the caller goes away (web mode), so waits stop instead of polling CI for nobody. */
  signal: AbortSignal | undefined;
}
