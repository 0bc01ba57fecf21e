/**
 * The cold-start floor: a "function" that only signs and sends the same GET and reads the body
 * (no routing, parsing, validation or JSON), loaded and run like the others: what any Node
 * function pays to load and make one signed call over loopback HTTP.
 */
import { bareGet } from './floor';

const endpoint = process.env.CI_ENDPOINT ?? '';
const port = Number(new URL(endpoint.replace('{bucket}', 'b').replace('{region}', 'r')).port);

export async function main_handler(event: { path: string }): Promise<{ statusCode: number }> {
  await bareGet(port, `/jobs/${event.path.split('/').pop()}`);
  return { statusCode: 200 };
}
