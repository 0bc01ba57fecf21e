/**
 * Captures everything a test file logs and every answer it receives, and after the file has run
 * asserts that no secret appears anywhere: keys, tokens, Authorization and q-signature values.
 */
import { TEST_KEYS } from './harness';

const ALWAYS_SECRET = [TEST_KEYS.secretKey, TEST_KEYS.sessionToken, 'q-signature=', 'q-sign-algorithm', 'q-key-time'];

export function scanForSecrets(options: { answers: () => string[]; extraSecrets?: string[] }): string[] {
  const lines: string[] = [];
  const spies: jest.SpyInstance[] = [];
  beforeAll(() => {
    for (const method of ['log', 'error', 'warn', 'info'] as const)
      spies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))));
  });
  afterAll(() => {
    for (const spy of spies) spy.mockRestore();
    const answers = options.answers();
    const everything = [...lines, ...answers].join('\n');
    if (answers.length) expect(lines.length).toBeGreaterThan(0); // the scan saw the function's log lines
    for (const secret of [...ALWAYS_SECRET, ...(options.extraSecrets ?? [])]) expect(everything).not.toContain(secret);
  });
  return lines;
}
