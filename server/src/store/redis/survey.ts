/*
 * The survey part of the Redis adapter (node-redis v5).
 *
 * Keys, with T = P{eventId}: the event's hash tag (store/redis/keyspace.ts):
 *   T survey:{eventId}            hash  `state` (plain), `version` (integer), `doc` (the Survey as JSON)
 *   T survey-responses:{eventId}  hash  participantId -> StoredSurveyResponse JSON
 *
 * Every change is one Lua script, so a state check and the write it guards cannot interleave
 * with another node's.
 */
import { ErrorCode, RallyError, type Survey } from '@rally/shared';
import { compareResponses, type StoredSurveyResponse, type SurveyStore } from '../survey-store.js';
import { luaRunner } from './lua.js';
import type { AnyRedis, Keyspace } from './keyspace.js';


const LUA = {
  // KEYS: survey. ARGV: state, doc.
  put: `
    local state = redis.call('HGET', KEYS[1], 'state')
    if state and state ~= 'draft' then return state end
    redis.call('HSET', KEYS[1], 'state', ARGV[1], 'doc', ARGV[2])
    redis.call('HINCRBY', KEYS[1], 'version', 1)
    return 'ok'`,
  // Optimistic: the doc was read at `version`; any change since (a draft rewrite) means read again.
  // KEYS: survey. ARGV: from, to, new doc, version read.
  transition: `
    local cur = redis.call('HMGET', KEYS[1], 'state', 'version')
    if cur[1] ~= ARGV[1] then return 'state' end
    if cur[2] ~= ARGV[4] then return 'stale' end
    redis.call('HSET', KEYS[1], 'state', ARGV[2], 'doc', ARGV[3])
    redis.call('HINCRBY', KEYS[1], 'version', 1)
    return 'ok'`,
  // KEYS: survey, responses. ARGV: participantId, fingerprint, response JSON.
  submit: `
    local state = redis.call('HGET', KEYS[1], 'state')
    if not state then return 'missing' end
    if state ~= 'open' then return state end
    local prev = redis.call('HGET', KEYS[2], ARGV[1])
    if prev and cjson.decode(prev).fingerprint == ARGV[2] then return 'unchanged' end
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
    redis.call('HINCRBY', KEYS[1], 'version', 1)
    if prev then return 'replaced' end
    return 'recorded'`,
  // KEYS: responses. ARGV: participantId, tombstoneId, response JSON under the tombstone.
  pseudonymise: `
    if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
    redis.call('HDEL', KEYS[1], ARGV[1])
    redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
    return 1`,
};

export function createRedisSurvey(client: AnyRedis, ks: Keyspace): SurveyStore {
  const key = {
    survey: (eventId: string) => `${ks.ev(eventId)}survey:${eventId}`,
    responses: (eventId: string) => `${ks.ev(eventId)}survey-responses:${eventId}`,
  };

  const run = luaRunner(client, LUA);

  const getSurvey = async (eventId: string): Promise<Survey | null> => {
    const doc = await client.hGet(key.survey(eventId), 'doc');
    return doc ? (JSON.parse(String(doc)) as Survey) : null;
  };

  return {
    async putSurvey(survey) {
      const outcome = String(await run('put', [key.survey(survey.eventId)], [survey.state, JSON.stringify(survey)]));
      if (outcome !== 'ok') throw new RallyError(ErrorCode.INVALID_STATE, `the survey is ${outcome}; only a draft can be rewritten`);
    },
    getSurvey,
    async transitionSurvey(eventId, from, to, patch) {
      for (;;) {
        const [doc, version] = (await client.hmGet(key.survey(eventId), ['doc', 'version'])) as (string | null)[];
        if (!doc) return null;
        const current = JSON.parse(String(doc)) as Survey;
        if (current.state !== from) return null;
        const next: Survey = { ...current, ...patch, state: to };
        const outcome = String(await run('transition', [key.survey(eventId)], [from, to, JSON.stringify(next), String(version)]));
        if (outcome === 'ok') return next;
        if (outcome === 'state') return null;
        // 'stale': the draft was rewritten between the read and the script; apply to the new one.
      }
    },
    async submitSurvey(eventId, response) {
      const outcome = String(await run('submit', [key.survey(eventId), key.responses(eventId)], [response.participantId, response.fingerprint, JSON.stringify(response)]));
      if (outcome === 'missing') throw new RallyError(ErrorCode.NOT_FOUND, 'this event has no survey');
      if (outcome === 'draft') throw new RallyError(ErrorCode.INVALID_STATE, 'the survey is not open yet');
      if (outcome === 'closed') throw new RallyError(ErrorCode.INVALID_STATE, 'the survey is closed');
      return { status: outcome as 'recorded' | 'replaced' | 'unchanged' };
    },
    async getSurveyResponse(eventId, participantId) {
      const doc = await client.hGet(key.responses(eventId), participantId);
      return doc ? (JSON.parse(String(doc)) as StoredSurveyResponse) : null;
    },
    async listSurveyResponses(eventId) {
      const docs = (await client.hVals(key.responses(eventId))) as string[];
      return docs.map((d) => JSON.parse(String(d)) as StoredSurveyResponse).sort(compareResponses);
    },
    async surveyVersion(eventId) {
      return Number((await client.hGet(key.survey(eventId), 'version')) ?? 0);
    },
    async pseudonymiseSurvey(eventId, participantId, tombstoneId) {
      const current = await client.hGet(key.responses(eventId), participantId);
      if (!current) return;
      const moved = { ...(JSON.parse(String(current)) as StoredSurveyResponse), participantId: tombstoneId };
      await run('pseudonymise', [key.responses(eventId)], [participantId, tombstoneId, JSON.stringify(moved)]);
    },
  };
}
