/**
 * Starts the suites that spend longest waiting (real streams, deadlines, fuzz over HTTP) first, so
 * they overlap the rest instead of running alone at the end; the others keep jest's own order
 * (failed first, then slowest last time, then largest file).
 */
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = [
  'web-function.e2e',
  'fuzz-ci-answers',
  'watch-job.e2e',
  'client.test',
  'openapi.test',
  'fuzz.e2e',
  'faults.e2e',
  'fleet-redis.e2e',
  'callbacks.e2e',
  'lazy-validators',
  'prune-branch-repeats',
];

class LongestFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    const rank = (test) => {
      const i = LONGEST_FIRST.findIndex((name) => test.path.includes(name));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
