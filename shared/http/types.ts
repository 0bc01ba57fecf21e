/** The platform-neutral request the app works on; the SCF adapter builds it from either event shape. */
export interface HttpRequest {
  method: string; // upper case
  path: string; // without the query string, as the platform gave it (may carry a stage prefix)
  query: Record<string, string>; // first value wins for repeated names
  headers: Record<string, string>; // lower-case names
  body: string | undefined; // already base64-decoded
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /**
   * The whole body, or chunks to write as they come (Server-Sent Events). A stream is only ever
   * answered when the platform said it can send one (Invocation.canStream: the web-mode server).
   */
  body: string | AsyncIterable<string>;
}
