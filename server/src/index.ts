import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createApp } from './app.js';
import { createTokenService } from './auth/tokens.js';
import { systemClock } from './clock.js';
import { ConfigError, parseConfig, type Config } from './config.js';
import { eventLinks } from './domain/events.js';
import { findDemoEvent, refreshStaleDemo, seedDemoIfEmpty } from './demo/seed-demo.js';
import { createLog, secretsToScrub } from './log.js';
import { persistentSecret } from './secrets.js';
import { createRedisStore } from './store/redis-store.js';
import { createRedisConnection } from './store/redis/connect.js';
import type { AnyRedis } from './store/redis/keyspace.js';
import { SchemaTooNewError } from './store/schema-version.js';
import { createSqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

/** Composition root: config -> store -> app -> listen. Nothing else reads the environment. */
async function main() {
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const secret = config.secret ?? persistentSecret(config.dataDir, 'secret', 48);
  const adminTokenSet = config.adminToken !== undefined;
  const adminToken = config.adminToken ?? persistentSecret(config.dataDir, 'admin-token', 18);
  config = { ...config, secret, adminToken };
  // [OPS61] Every configured secret is scrubbed from every log line, whatever writes it.
  const log = createLog(config.logLevel, {}, undefined, secretsToScrub(config));

  let store: Store;
  let redis: AnyRedis | undefined;
  if (config.redisUrl) {
    store = await createRedisStore(config.redisUrl);
    // [CLU25] One server or a Redis Cluster, as the URL says; the Socket.IO adapter and the limits use it.
    redis = createRedisConnection(config.redisUrl);
    redis.on('error', (err) => log.error({ err }, 'redis connection error'));
    await redis.connect();
  } else {
    store = createSqliteStore(join(config.dataDir, 'rally.sqlite'));
  }

  // Stable per host and port, so a restarted node can forget the sockets it held before a crash.
  const nodeId = config.redisUrl ? `${hostname()}:${config.port}` : 'embedded';
  await store.presenceClearNode(nodeId);

  const app = createApp({ config, store, clock: systemClock, log, tokens: createTokenService(secret), redis: redis as never, nodeId });

  const seeded = config.seedDemo ? await seedDemoIfEmpty({ store, clock: systemClock }) : null;
  if (config.seedDemo && !seeded) await refreshStaleDemo({ store, clock: systemClock });
  await listen(app.http, config.port, config.host, config.backlog);
  // [OPS25] /metrics on its own internal port (METRICS_PORT, bound to METRICS_HOST).
  if (app.metricsHttp) await listen(app.metricsHttp, config.metrics.port ?? 0, config.metrics.host);
  const address = app.http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const links = await linksBlock(config, store, port, Boolean(seeded), !adminTokenSet);
  log.info({ port, store: store.kind, nodeId }, 'Rally is listening');
  // [CFG7] The links are the last thing printed (the log writes synchronously, see log.ts).
  console.log(links);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // [OPS34] A backstop past the drain's own deadline: closing and flushing that hang (a store
    // gone) must not keep the process from exiting for the orchestrator's SIGKILL.
    setTimeout(() => {
      log.error({ timeoutMs: config.drain.timeoutMs }, 'shutdown did not finish after DRAIN_TIMEOUT_MS plus 5 s: exiting without it');
      process.exit(1);
    }, config.drain.timeoutMs + 5000).unref();
    // [OPS30]–[OPS34] Drain (readyz 503, newcomers refused, clients moved, in-flight acked), then
    // close the sockets and flush engagement, then the store.
    await app.drain().catch((err: unknown) => log.error({ err }, 'drain failed'));
    await app.close().catch((err: unknown) => log.error({ err }, 'close failed'));
    await store.close().catch(() => undefined);
    await redis?.quit().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** A failure to start that the person starting Rally can fix: printed as its one line, no stack. */
class StartupError extends Error {}

/** [CFG6] Listening fails with a sentence naming the port and what to do, not a Node stack trace. */
function listen(http: Server, port: number, host: string, backlog?: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        reject(new StartupError(`Port ${port} is already in use (is Rally already running?): stop the other program, or start Rally on another port, for example PORT=${port === 3000 ? 3001 : 3000} npm start`));
      else if (e.code === 'EACCES') reject(new StartupError(`Port ${port} needs administrator rights on this machine: use a port above 1023, for example PORT=3000 npm start`));
      else if (e.code === 'EADDRNOTAVAIL') reject(new StartupError(`HOST ${host} is not an address of this machine: leave HOST unset to listen on all of them`));
      else reject(e);
    };
    http.once('error', failed);
    http.listen({ port, host, backlog }, () => {
      http.off('error', failed);
      resolve();
    });
  });
}

async function linksBlock(config: Config, store: Store, port: number, fresh: boolean, tokenWasGenerated: boolean): Promise<string> {
  const base = config.publicUrl;
  const lines = [``, `  Rally is running on ${base} (port ${port}, ${store.kind === 'sqlite' ? `SQLite in ${config.dataDir}` : 'Redis cluster mode'})`, ``];
  // [OPS61] A token the operator set is theirs already: printed, it would sit in every log collector.
  const token = tokenWasGenerated ? `admin token: ${config.adminToken}` : 'admin token: the ADMIN_TOKEN you set';
  lines.push(`  Organiser page:  ${base}/organiser   (${token})`);
  const demo = await findDemoEvent(store);
  if (demo) {
    const links = eventLinks(base, demo);
    lines.push(``, `  ${fresh ? 'Created the demo event' : 'Demo event'} "${demo.name}" — join code ${demo.code}`);
    lines.push(`    Attendee:     ${links.attendee}`);
    lines.push(`    Presenter:    ${links.presenter}`);
    lines.push(`    Moderator:    ${links.moderator}`);
    lines.push(`    Stage screen: ${links.stage}`);
  }
  return lines.join('\n') + '\n';
}

main().catch((e: unknown) => {
  // [OPS43] Data newer than this code: its one line names both schema versions.
  if (e instanceof StartupError || e instanceof SchemaTooNewError) console.error(e.message);
  else console.error('Rally failed to start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
