import { z } from 'zod';
import {
  DEFAULT_ENGAGEMENT_SETTINGS,
  DEFAULT_WEIGHTS,
  EngagementKind,
  LeaderboardMode,
  Weight,
  type EngagementSettings,
  type EngagementSettingsPatch,
  type ParityAlert,
} from '@rally/shared';
import type { EngagementStore } from '../../store/engagement-store.js';

/*
 * The per-event engagement record (EngagementStore's key-value fields) read and written with
 * schemas, so a field written by an older version, or damaged, falls back to its default instead
 * of breaking the dashboard. Fields: weights, parityThreshold, leaderboard, webhook, parityAlert,
 * deleted.
 */

/** [ENG17] Where key moments are POSTed, and the secret that signs them. */
export const WebhookConfig = z.strictObject({
  url: z
    .string()
    .trim()
    .max(2000)
    .pipe(z.url({ protocol: /^https?$/, error: 'the webhook URL must be an http:// or https:// address' })),
  secret: z.string().min(16, 'the webhook secret must be at least 16 characters').max(200),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

const Fields = {
  weights: z.partialRecord(EngagementKind, Weight),
  parityThreshold: z.number().min(0).max(2),
  leaderboard: LeaderboardMode,
  webhook: WebhookConfig.nullable(),
  parityAlert: z.object({ alerting: z.boolean(), alert: z.unknown() }),
  /** [ENG18] Deleted participants -> their tombstone ids. */
  deleted: z.record(z.string(), z.string()),
};

function field<K extends keyof typeof Fields>(raw: Record<string, string>, name: K): z.infer<(typeof Fields)[K]> | undefined {
  const text = raw[name];
  if (text === undefined) return undefined;
  try {
    const r = Fields[name].safeParse(JSON.parse(text));
    return r.success ? (r.data as z.infer<(typeof Fields)[K]>) : undefined;
  } catch {
    return undefined;
  }
}

export interface EngagementConfig {
  settings: EngagementSettings;
  webhook: WebhookConfig | null;
  alerting: boolean;
  /** The raw parityAlert field, for compare-and-set. */
  alertField: string | null;
  deleted: Record<string, string>;
}

export async function loadConfig(store: Pick<EngagementStore, 'engagementConfig'>, eventId: string): Promise<EngagementConfig> {
  const raw = await store.engagementConfig(eventId);
  const webhook = field(raw, 'webhook') ?? null;
  return {
    settings: {
      weights: { ...DEFAULT_WEIGHTS, ...field(raw, 'weights') },
      parityThreshold: field(raw, 'parityThreshold') ?? DEFAULT_ENGAGEMENT_SETTINGS.parityThreshold,
      leaderboard: field(raw, 'leaderboard') ?? DEFAULT_ENGAGEMENT_SETTINGS.leaderboard,
      webhookConfigured: webhook !== null,
    },
    webhook,
    alerting: field(raw, 'parityAlert')?.alerting ?? false,
    alertField: raw['parityAlert'] ?? null,
    deleted: field(raw, 'deleted') ?? {},
  };
}

/**
 * [ENG5] Applies a settings change. Weights merge per kind with what is stored; two moderators
 * changing different kinds at once can still overwrite each other's weights map (last writer
 * wins on the field), which is acceptable for a settings form.
 */
export async function patchSettings(store: Pick<EngagementStore, 'engagementConfig' | 'patchEngagementConfig'>, eventId: string, patch: EngagementSettingsPatch): Promise<void> {
  const fields: Record<string, string> = {};
  if (patch.weights) {
    const stored = field(await store.engagementConfig(eventId), 'weights') ?? {};
    fields['weights'] = JSON.stringify({ ...stored, ...patch.weights });
  }
  if (patch.parityThreshold !== undefined) fields['parityThreshold'] = JSON.stringify(patch.parityThreshold);
  if (patch.leaderboard !== undefined) fields['leaderboard'] = leaderboardField(patch.leaderboard).value;
  await store.patchEngagementConfig(eventId, fields);
}

/** [ENG11] The record's field while the leaderboard shows `mode`: what a stored board is guarded by ([ESTORE8]). */
export const leaderboardField = (mode: LeaderboardMode) => ({ field: 'leaderboard', value: JSON.stringify(mode) });

export async function setWebhook(store: Pick<EngagementStore, 'patchEngagementConfig'>, eventId: string, webhook: WebhookConfig | null): Promise<void> {
  await store.patchEngagementConfig(eventId, { webhook: JSON.stringify(webhook) });
}

/** [ENG9] Flips the shared alert state; true for the one caller (of any node) that flipped it. */
export async function flipParityAlert(store: Pick<EngagementStore, 'casEngagementConfig'>, eventId: string, expectedField: string | null, alert: ParityAlert): Promise<boolean> {
  return store.casEngagementConfig(eventId, 'parityAlert', expectedField, JSON.stringify({ alerting: alert.alerting, alert }));
}

/** The last alert raised or cleared, for snapshots. */
export function lastAlert(raw: string | null): ParityAlert | null {
  if (raw === null) return null;
  try {
    const a = (JSON.parse(raw) as { alert?: ParityAlert }).alert;
    return a ?? null;
  } catch {
    return null;
  }
}

/** [ENG18] Records a deletion; the map only grows. Concurrent deletions retry the compare-and-set. */
export async function markDeleted(store: Pick<EngagementStore, 'engagementConfig' | 'casEngagementConfig'>, eventId: string, participantId: string, tombstoneId: string): Promise<string> {
  for (;;) {
    const raw = await store.engagementConfig(eventId);
    const current = field(raw, 'deleted') ?? {};
    if (current[participantId]) return current[participantId];
    const next = JSON.stringify({ ...current, [participantId]: tombstoneId });
    if (await store.casEngagementConfig(eventId, 'deleted', raw['deleted'] ?? null, next)) return tombstoneId;
  }
}
