import { createHash } from 'node:crypto';
import type { RedisClientType } from 'redis';

type AnyRedis = RedisClientType<any, any, any, any, any>;

/**
 * How the Redis adapter modules run their Lua: `run(name, keys, args)` sends EVALSHA, and EVAL when
 * the server does not have the script yet (fresh or flushed), which also loads it for next time.
 */
export function luaRunner<Name extends string>(client: AnyRedis, scripts: Record<Name, string>): (name: Name, keys: string[], args: string[]) => Promise<unknown> {
  const sha = new Map<string, string>(Object.entries<string>(scripts).map(([name, src]) => [name, createHash('sha1').update(src).digest('hex')]));
  return async (name, keys, args) => {
    const options = { keys, arguments: args };
    try {
      return await client.evalSha(sha.get(name)!, options);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return client.eval(scripts[name], options);
    }
  };
}
