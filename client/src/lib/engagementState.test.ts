import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGAGEMENT_SETTINGS, type EngagementDashboard, type ParityAlert, type Snapshot } from '@rally/shared';
import { EMPTY_ENGAGEMENT, engagementEventFromAck, engagementFromSnapshot, parityAlerting, reduceEngagement } from './engagementState';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, s)).toISOString();
const dashboard = (sec: number, alerting: boolean, value: number | null = 0.5): EngagementDashboard =>
  ({ eventId: 'e1', at: at(sec), entries: sec, parity: { scope: 'event', value, threshold: 0.8, alerting } }) as unknown as EngagementDashboard;
const alert = (sec: number, alerting: boolean): ParityAlert => ({ alerting, scope: 'event', sessionId: null, parity: 0.5, threshold: 0.8, at: at(sec) });

describe('engagement state', () => {
  it('[ENG6] takes settings, dashboard and alert from a staff snapshot; an attendee snapshot has none', () => {
    expect(engagementFromSnapshot({} as Snapshot)).toEqual(EMPTY_ENGAGEMENT);
    const s = engagementFromSnapshot({ engagement: { settings: DEFAULT_ENGAGEMENT_SETTINGS, dashboard: dashboard(1, false), parityAlert: null } } as unknown as Snapshot);
    expect(s.settings).toEqual(DEFAULT_ENGAGEMENT_SETTINGS);
    expect(s.dashboard?.entries).toBe(1);
  });

  it('[ENG6] a dashboard older than the one held is ignored', () => {
    let s = reduceEngagement(EMPTY_ENGAGEMENT, { name: 'engagement:dashboardUpdated', payload: dashboard(5, false) });
    s = reduceEngagement(s, { name: 'engagement:dashboardUpdated', payload: dashboard(3, false) });
    expect(s.dashboard?.entries).toBe(5);
  });

  it('[ENG9] the newer of the alert fact and the dashboard decides whether the alert is raised', () => {
    let s = reduceEngagement(EMPTY_ENGAGEMENT, { name: 'engagement:dashboardUpdated', payload: dashboard(1, false) });
    expect(parityAlerting(s)).toBe(false);
    s = reduceEngagement(s, { name: 'engagement:parityAlerted', payload: alert(2, true) });
    expect(parityAlerting(s)).toBe(true);
    s = reduceEngagement(s, { name: 'engagement:dashboardUpdated', payload: dashboard(3, true) });
    s = reduceEngagement(s, { name: 'engagement:parityAlerted', payload: alert(4, false) });
    expect(parityAlerting(s)).toBe(false);
    // A late copy of the raise does not bring it back.
    s = reduceEngagement(s, { name: 'engagement:parityAlerted', payload: alert(2, true) });
    expect(parityAlerting(s)).toBe(false);
  });

  it('[ENG5] the ack of engagement:configure is the new settings', () => {
    const settings = { ...DEFAULT_ENGAGEMENT_SETTINGS, parityThreshold: 0.6 };
    const e = engagementEventFromAck('engagement:configure', settings);
    expect(reduceEngagement(EMPTY_ENGAGEMENT, e!).settings?.parityThreshold).toBe(0.6);
  });
});
