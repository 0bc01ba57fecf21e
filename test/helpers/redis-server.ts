/** The tests' redis-server: the same helper npm run bench:fleet uses. */
export { type RedisServer, freePort, startRedis } from '../../dev/redis-server';
