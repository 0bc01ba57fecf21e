// npm test: build, then the type-check and the unit + e2e suites side by side. The suites spend
// most of their time waiting on sockets and timers (about 1.5 of 2 cores busy), so tsc fits beside
// them instead of adding its seconds in front. Arguments after `npm test --` go to jest; the
// command fails if either part fails.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
if ((await run(npm, ['run', 'build'])) !== 0) process.exit(1);
const [typecheck, suites] = await Promise.all([
  run(npm, ['run', '--silent', 'typecheck']),
  run(process.execPath, [jest, '--selectProjects=unit', '--selectProjects=e2e', '--config=jest.config.js', ...process.argv.slice(2)]),
]);
if (typecheck !== 0) console.error('npm test: the type-check failed');
process.exit(typecheck === 0 && suites === 0 ? 0 : 1);
