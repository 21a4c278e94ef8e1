import { ErrorCode, RallyError, type EngagementSettings, type EngagementSettingsPatch, type Role, type engagementFactSchemas } from '@rally/shared';
import type { z } from 'zod';
import type { Store } from '../../store/store.js';
import type { EngagementStore } from '../../store/engagement-store.js';
import { MODERATOR_ROLES } from '../ports.js';
import { LEADERBOARD_OFF } from './leaderboard.js';
import { loadConfig, patchSettings, setWebhook, type WebhookConfig } from './settings.js';

type EngagementFact = keyof typeof engagementFactSchemas;

/** The part of the Publisher port engagement uses, typed by its own facts. */
export interface EngagementPublisher {
  toEvent<N extends EngagementFact>(eventId: string, fact: N, payload: z.infer<(typeof engagementFactSchemas)[N]>): void;
  toRoles<N extends EngagementFact>(eventId: string, roles: readonly Role[], fact: N, payload: z.infer<(typeof engagementFactSchemas)[N]>): void;
}

export interface ConfigureDeps {
  store: EngagementStore & Pick<Store, 'getEvent'>;
  publish: EngagementPublisher;
}

/** [ENG5] [ENG9] [ENG11] Moderators and organisers tune the event's engagement settings. */
export async function configureEngagement(deps: ConfigureDeps, eventId: string, patch: EngagementSettingsPatch): Promise<EngagementSettings> {
  if (!(await deps.store.getEvent(eventId))) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  await patchSettings(deps.store, eventId, patch);
  if (patch.leaderboard === 'off') {
    // [ENG21] After the setting (a tick racing with it then cannot store its board: [ESTORE8]),
    // drop the stored board so new snapshots lack it, and tell everyone on every node to hide it.
    await deps.store.clearLeaderboard(eventId);
    deps.publish.toEvent(eventId, 'engagement:leaderboardUpdated', LEADERBOARD_OFF);
  }
  const { settings } = await loadConfig(deps.store, eventId);
  deps.publish.toRoles(eventId, MODERATOR_ROLES, 'engagement:settingsChanged', settings);
  return settings;
}

/** [ENG17] The organiser sets (or with null removes) the event's webhook. Its secret is never read back. */
export async function configureWebhook(deps: ConfigureDeps, eventId: string, webhook: WebhookConfig | null): Promise<EngagementSettings> {
  if (!(await deps.store.getEvent(eventId))) throw new RallyError(ErrorCode.NOT_FOUND, 'no such event');
  await setWebhook(deps.store, eventId, webhook);
  const { settings } = await loadConfig(deps.store, eventId);
  deps.publish.toRoles(eventId, MODERATOR_ROLES, 'engagement:settingsChanged', settings);
  return settings;
}
