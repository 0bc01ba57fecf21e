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
  body: string;
}
