#!/usr/bin/env node
/*
 * Joins N attendees to a Rally event over REST (POST /api/join) and writes their tokens, one a
 * line under a `token` header, for ops/load/rally-vote.yml [OPS92]. Plain Node 20+ (fetch), no
 * dependencies: run it from anywhere against your own deployment.
 *
 *   node ops/load/join-attendees.mjs --target https://rally.example.com --code K7QX9M --count 600 \
 *     [--out ops/load/tokens.csv] [--room-code H4TR --room-share 0.5] [--concurrency 20]
 *
 * --room-code: the code on the stage screen now (it changes every minute and is accepted for one
 * more): that share of the attendees joins as `room`, the rest as `remote`.
 * A 429 RATE_LIMITED answer is waited out (retryAfterMs) and retried: the join budgets
 * (JOIN_LIMIT_PER_ADDRESS, JOIN_LIMIT_PER_EVENT, CONNECT_LIMIT_PER_ADDRESS) count this machine as
 * one address, so raise them on the deployment under test if you join thousands from one host.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

/** The body of one join, as docs/PROTOCOL.md gives it: `{ code, name, mode?, roomCode? }`. */
export function joinBody(code, i, roomCode) {
  return roomCode ? { code, name: `Load ${i}`, mode: 'room', roomCode } : { code, name: `Load ${i}`, mode: 'remote' };
}

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i];
    if (!k?.startsWith('--') || argv[i + 1] === undefined) throw new Error(`expected --name value pairs, got "${k}"`);
    out[k.slice(2)] = argv[i + 1];
  }
  return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function joinOne(target, body) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await fetch(`${target}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json().catch(() => ({}));
    if (res.ok) return json.token;
    const retry = json?.error?.retryAfterMs;
    if ((res.status === 429 || res.status === 503) && typeof retry === 'number') {
      await sleep(retry + Math.random() * 250);
      continue;
    }
    throw new Error(`join failed: ${res.status} ${JSON.stringify(json)}`);
  }
  throw new Error('join failed: still limited after 20 attempts');
}

async function main() {
  const a = args(process.argv.slice(2));
  if (!a.target || !a.code || !a.count) throw new Error('usage: join-attendees.mjs --target URL --code JOINCODE --count N [--out FILE] [--room-code CODE --room-share 0..1] [--concurrency N]');
  const target = a.target.replace(/\/+$/, '');
  const count = Number(a.count);
  const share = a['room-code'] ? Number(a['room-share'] ?? 0.5) : 0;
  const out = a.out ?? join(dirname(fileURLToPath(import.meta.url)), 'tokens.csv');
  const tokens = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      tokens[i] = await joinOne(target, joinBody(a.code, i, i < count * share ? a['room-code'] : undefined));
    }
  };
  await Promise.all(Array.from({ length: Math.min(Number(a.concurrency ?? 20), count) }, worker));
  writeFileSync(out, ['token', ...tokens].join('\n') + '\n');
  console.log(`${count} attendees joined; tokens in ${out}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
