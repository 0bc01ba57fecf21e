/**
 * The floor as a function: signs and sends the same GET for /jobs/{type}/{id} and reads the body
 * (no routing, parsing, validation or JSON), loaded and run like the others: what any Node
 * function pays to load and make one signed call over loopback HTTP.
 */
import { CI_PATHS, bareGet } from './floor';

const endpoint = process.env.CI_ENDPOINT ?? '';
const port = Number(new URL(endpoint.replace('{bucket}', 'b').replace('{region}', 'r')).port);

export async function main_handler(event: {
  path: string;
}): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const [type = '', id = ''] = event.path.split('/').slice(-2);
  const body = await bareGet(port, `${CI_PATHS[type] ?? '/jobs'}/${id}`);
  return { statusCode: 200, headers: { 'content-type': 'application/xml' }, body };
}
