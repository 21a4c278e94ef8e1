import { Router, type Response } from 'express';
import { z } from 'zod';
import { ENGAGEMENT_LIMITS, EngagementSettingsPatch, Id, SurveyDraft, type EngagementEntry } from '@rally/shared';
import type { Clock } from '../clock.js';
import { configureEngagement, configureWebhook, type EngagementPublisher } from '../domain/engagement/configure.js';
import { LOG_COLUMNS, logRow, participantRows, surveyRows, teamRows } from '../domain/engagement/export.js';
import type { LogFollower } from '../domain/engagement/follower.js';
import { engagementSummary, type EngagementStoreDeps } from '../domain/engagement/live.js';
import { deleteParticipant, type PrivacyDeps } from '../domain/engagement/privacy.js';
import type { EngagementPort } from '../domain/engagement/record.js';
import { WebhookConfig, loadConfig } from '../domain/engagement/settings.js';
import { closeSurvey, defineSurvey, openSurvey, type SurveyPublisher } from '../domain/engagement/survey.js';
import { requireEvent } from '../domain/events.js';
import type { Store } from '../store/store.js';
import { requireAdmin } from './admin-auth.js';
import { toCsv } from './csv.js';
import { authorizeExport, type ExportAuthDeps } from './export-auth.js';
import { parseBody } from './validate.js';
import { toXlsx } from './xlsx.js';

export interface EngagementRoutesDeps extends ExportAuthDeps {
  store: Store & EngagementStoreDeps;
  clock: Clock;
  follower: LogFollower;
  engagement: EngagementPort;
  publish: EngagementPublisher & SurveyPublisher;
  disconnect: PrivacyDeps['disconnect'];
}

const EventParams = z.object({ id: Id });
export const LogQuery = z.strictObject({
  after: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(ENGAGEMENT_LIMITS.maxPage).default(100),
});

const download = (res: Response, type: string, filename: string) =>
  res.type(type).set('content-disposition', `attachment; filename="${filename}"`).set('cache-control', 'no-store');

/**
 * [ENG13] [ENG14] [ENG16] [ENG17] [ENG18] Engagement over REST. Reads and exports are for the
 * organiser (ADMIN_TOKEN) and the event's moderators (their participant token), like every
 * export; settings that reach outside Rally (the webhook) and deleting people are the organiser's.
 */
export function engagementRouter(deps: EngagementRoutesDeps): Router {
  const r = Router();
  const admin = requireAdmin(deps.adminToken);
  const live = { store: deps.store, clock: deps.clock, follower: deps.follower };

  const guarded = async (req: Parameters<Parameters<Router['get']>[1]>[0], what: string) => {
    const { id } = parseBody(EventParams, req.params);
    await authorizeExport(deps, req, id, what);
    return requireEvent(deps.store, id);
  };

  /** Every entry of the event, page by page, as they are stored while we read. */
  async function* wholeLog(eventId: string): AsyncGenerator<EngagementEntry[]> {
    let after: string | null = null;
    for (;;) {
      const page = await deps.store.readEngagement(eventId, after, ENGAGEMENT_LIMITS.maxPage);
      if (page.entries.length > 0) yield page.entries;
      after = page.nextCursor;
      if (!page.hasMore) return;
    }
  }

  r.get('/events/:id/engagement/summary', async (req, res) => {
    const event = await guarded(req, 'engagement');
    res.set('cache-control', 'no-store').json(await engagementSummary(live, event.id));
  });

  r.get('/events/:id/engagement/log', async (req, res) => {
    const event = await guarded(req, 'engagement log');
    const { after, limit } = parseBody(LogQuery, req.query);
    res.set('cache-control', 'no-store').json(await deps.store.readEngagement(event.id, after ?? null, limit));
  });

  r.get('/events/:id/engagement/log.ndjson', async (req, res) => {
    const event = await guarded(req, 'engagement log');
    download(res, 'application/x-ndjson; charset=utf-8', `rally-engagement-${event.code}.ndjson`);
    for await (const page of wholeLog(event.id)) res.write(page.map((e) => JSON.stringify(e)).join('\n') + '\n');
    res.end();
  });

  r.get('/events/:id/engagement/log.csv', async (req, res) => {
    const event = await guarded(req, 'engagement log');
    download(res, 'text/csv; charset=utf-8', `rally-engagement-${event.code}.csv`);
    res.write(toCsv([[...LOG_COLUMNS]]));
    for await (const page of wholeLog(event.id)) res.write(toCsv(page.map(logRow)));
    res.end();
  });

  const participantTables = async (eventId: string) => {
    const event = await requireEvent(deps.store, eventId);
    const [state, config, participants, survey, responses] = await Promise.all([
      deps.follower.stateOf(eventId),
      loadConfig(deps.store, eventId),
      deps.store.listParticipants(eventId),
      deps.store.getSurvey(eventId),
      deps.store.listSurveyResponses(eventId),
    ]);
    const weights = config.settings.weights;
    return {
      event,
      participants: participantRows({ state, participants, deleted: config.deleted, weights, asOfMs: deps.clock.now(), agenda: event.agenda, survey, responses }),
      teams: teamRows(state, weights),
      survey: survey ? surveyRows(survey, responses) : null,
    };
  };

  r.get('/events/:id/engagement/participants.csv', async (req, res) => {
    const event = await guarded(req, 'participants');
    const t = await participantTables(event.id);
    download(res, 'text/csv; charset=utf-8', `rally-participants-${event.code}.csv`).send(toCsv(t.participants));
  });

  r.get('/events/:id/engagement/participants.xlsx', async (req, res) => {
    const event = await guarded(req, 'participants');
    const t = await participantTables(event.id);
    const sheets = [
      { name: 'Participants', rows: t.participants },
      { name: 'Teams', rows: t.teams },
      ...(t.survey ? [{ name: 'Survey', rows: t.survey }] : []),
    ];
    download(res, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', `rally-participants-${event.code}.xlsx`).send(await toXlsx(sheets));
  });

  r.get('/events/:id/engagement/survey.csv', async (req, res) => {
    const event = await guarded(req, 'survey');
    const survey = await deps.store.getSurvey(event.id);
    const rows = survey ? surveyRows(survey, await deps.store.listSurveyResponses(event.id)) : [['question_id', 'prompt', 'kind', 'row_type', 'item', 'room', 'remote', 'total']];
    download(res, 'text/csv; charset=utf-8', `rally-survey-${event.code}.csv`).send(toCsv(rows));
  });

  r.get('/events/:id/engagement/settings', async (req, res) => {
    const event = await guarded(req, 'engagement settings');
    res.json((await loadConfig(deps.store, event.id)).settings);
  });

  r.patch('/events/:id/engagement/settings', admin, async (req, res) => {
    const { id } = parseBody(EventParams, req.params);
    res.json(await configureEngagement(deps, id, parseBody(EngagementSettingsPatch, req.body)));
  });

  r.put('/events/:id/engagement/webhook', admin, async (req, res) => {
    const { id } = parseBody(EventParams, req.params);
    res.json(await configureWebhook(deps, id, parseBody(WebhookConfig, req.body)));
  });

  r.delete('/events/:id/engagement/webhook', admin, async (req, res) => {
    const { id } = parseBody(EventParams, req.params);
    res.json(await configureWebhook(deps, id, null));
  });

  const surveyDeps = { store: deps.store, clock: deps.clock, publish: deps.publish, engagement: deps.engagement };

  r.put('/events/:id/survey', admin, async (req, res) => {
    const { id } = parseBody(EventParams, req.params);
    res.json(await defineSurvey(surveyDeps, id, parseBody(SurveyDraft, req.body)));
  });

  r.post('/events/:id/survey/open', admin, async (req, res) => {
    const { id } = parseBody(EventParams, req.params);
    res.json(await openSurvey(surveyDeps, id));
  });

  r.post('/events/:id/survey/close', admin, async (req, res) => {
    const { id } = parseBody(EventParams, req.params);
    res.json(await closeSurvey(surveyDeps, id));
  });

  r.delete('/events/:id/participants/:pid', admin, async (req, res) => {
    const { id, pid } = parseBody(z.object({ id: Id, pid: Id }), req.params);
    const out = await deleteParticipant({ store: deps.store, disconnect: deps.disconnect }, id, pid);
    // This node's fold still holds the old id; the next read folds the pseudonymised log.
    deps.follower.forget(id);
    res.json(out);
  });

  return r;
}
