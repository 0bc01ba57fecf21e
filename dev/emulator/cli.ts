/** Runs the CI emulator alone: `node dist/dev/emulator-cli.js` (keys from EMULATOR_SECRET_ID/KEY/TOKEN). */
import { startEmulator } from './server';

void startEmulator({
  keys: {
    secretId: process.env.EMULATOR_SECRET_ID ?? 'AKIDLOCALEMULATOR0000',
    secretKey: process.env.EMULATOR_SECRET_KEY ?? 'local-emulator-secret-key',
    ...(process.env.EMULATOR_SESSION_TOKEN ? { sessionToken: process.env.EMULATOR_SESSION_TOKEN } : {}),
  },
  port: Number(process.env.EMULATOR_PORT ?? 0),
}).then((em) => console.log(`CI emulator on 127.0.0.1:${em.port} with ${em.jobs.size} jobs; CI_ENDPOINT=${em.endpoint}`));
