import { useId, useState } from 'react';
import type { EngagementDashboard, ScopeFigures } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { parityAlerting } from '../../lib/engagementState';
import { CohortRateBars, CountBars, Sparkline } from './Charts';
import { EngagementDownloads } from './EngagementDownloads';
import { EngagementSettingsForm } from './EngagementSettingsForm';
import { LeaderboardView } from './LeaderboardView';
import { lastMinuteOf, parityText, peopleText, perMinute, rateRows } from './model';
import { ParityGauge } from './ParityGauge';
import { SurveyEditor } from './SurveyEditor';
import { SurveyResultsView } from './SurveyResultsView';
import './engagement.css';

/**
 * [ENG6] The moderator panel's live engagement dashboard: who is online by cohort, participation
 * per activity for room and remote, the parity gauge and its alert, questions by origin,
 * reactions and chat per minute, team scores and the leaderboard, the survey, the settings and
 * every export. Everything is drawn from the latest `engagement:dashboardUpdated` (one per second
 * while it changes), so the screen never computes a figure the exports could disagree with.
 */
export function ModeratorEngagement({ code }: { code: string }) {
  const { state } = useLive();
  const { engagement, survey } = state;
  const d = engagement.dashboard;
  const settings = engagement.settings;
  const alerting = parityAlerting(engagement);
  return (
    <section className="card engagement" aria-labelledby="engagement-heading" data-testid="engagement-dashboard">
      <h2 id="engagement-heading">Engagement</h2>
      {alerting ? <ParityAlertBanner d={d} /> : null}
      {!d ? (
        <p className="empty" data-testid="engagement-waiting">
          Waiting for the first figures… they arrive within a second of anyone joining.
        </p>
      ) : (
        <DashboardFigures d={d} />
      )}
      <div className="engagement-grid">
        <div className="engagement-tile">
          <h3>Team scores and leaderboard</h3>
          <LeaderboardView teams={d?.teams ?? []} board={engagement.leaderboard} mode={settings?.leaderboard ?? 'off'} />
        </div>
        <div className="engagement-tile">
          <h3>Survey results</h3>
          {survey.survey && d?.survey ? <SurveyResultsView survey={survey.survey} results={d.survey} /> : <p className="empty">No survey yet.</p>}
        </div>
      </div>
      <div className="engagement-grid">
        <div className="engagement-tile">
          {/* Remounted when the survey leaves the draft: the editor's form only exists for drafts. */}
          <SurveyEditor key={!survey.survey || survey.survey.state === 'draft' ? 'edit' : 'view'} survey={survey.survey} />
        </div>
        <div className="engagement-tile">
          {settings ? <EngagementSettingsForm settings={settings} /> : null}
        </div>
      </div>
      <h3>Exports</h3>
      <EngagementDownloads code={code} />
    </section>
  );
}

function ParityAlertBanner({ d }: { d: EngagementDashboard | null }) {
  const { state } = useLive();
  const a = state.engagement.parityAlert;
  const parity = a && (!d || Date.parse(a.at) > Date.parse(d.at)) ? a.parity : (d?.parity.value ?? null);
  const threshold = d?.parity.threshold ?? a?.threshold ?? null;
  return (
    <div className="notice notice-error parity-alert" role="alert" data-testid="parity-alert">
      <p className="notice-title">Remote attendees are falling behind</p>
      <p>
        Remote participation is {parityText(parity)} of the room&apos;s, below the {threshold === null ? 'set' : parityText(threshold)} threshold. Try a poll or
        a question for remote attendees first.
      </p>
    </div>
  );
}

function DashboardFigures({ d }: { d: EngagementDashboard }) {
  const [scope, setScope] = useState<'event' | 'session'>('event');
  const scopeId = useId();
  const figures: ScopeFigures = scope === 'session' && d.session ? d.session.figures : d.event;
  const parityFigures = d.parity.scope === 'session' && d.session ? d.session.figures : d.event;
  const reactions = perMinute(d, 'reacted');
  const chat = perMinute(d, 'chatted');
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return (
    <>
      <div className="engagement-grid">
        <div className="engagement-tile" data-testid="engagement-online">
          <h3>Attendees online</h3>
          <CountBars
            label="Attendees online by cohort"
            testId="online-by-cohort"
            items={[
              { key: 'online-room', label: 'Room', value: d.online.room, cohort: 'room' },
              { key: 'online-remote', label: 'Remote', value: d.online.remote, cohort: 'remote' },
            ]}
          />
          {d.online.byTeam.length > 0 ? (
            <details>
              <summary>By team</summary>
              <CountBars
                label="Attendees online by team"
                testId="online-by-team"
                items={d.online.byTeam.map((t) => ({ key: `team-${t.team ?? 'none'}`, label: `${t.team ?? 'No team'} (${t.room} room, ${t.remote} remote)`, value: t.room + t.remote }))}
              />
            </details>
          ) : null}
        </div>
        <div className="engagement-tile">
          <h3>Engagement parity</h3>
          <ParityGauge parity={d.parity} figures={parityFigures} />
        </div>
      </div>

      <div className="engagement-tile">
        <div className="row spread">
          <h3>Participation</h3>
          {d.session ? (
            <div className="field inline">
              <label htmlFor={scopeId}>Scope</label>
              <select id={scopeId} value={scope} onChange={(e) => setScope(e.target.value as 'event' | 'session')}>
                <option value="event">Whole event</option>
                <option value="session">Live session</option>
              </select>
            </div>
          ) : null}
        </div>
        <p className="muted small" data-testid="participation-present">
          {/* [ENG22] Time-weighted, as the rates are: someone who switched cohort counts in each for their time there. */}
          Share of present attendees who took part: {peopleText(figures.weighted.interacted.room)} of {peopleText(figures.weighted.present.room)} in the room,{' '}
          {peopleText(figures.weighted.interacted.remote)} of {peopleText(figures.weighted.present.remote)} remote.
        </p>
        <p className="eng-legend small" aria-hidden="true">
          <span className="eng-swatch eng-swatch-room" /> Room <span className="eng-swatch eng-swatch-remote" /> Remote
        </p>
        <CohortRateBars rows={rateRows(figures)} label="Participation rate per activity, room and remote" testId="participation-rates" />
      </div>

      <div className="engagement-grid three">
        <div className="engagement-tile">
          <h3>Questions by origin</h3>
          <CountBars
            label="Where questions came from"
            testId="questions-by-origin"
            items={[
              { key: 'q-room', label: 'Room', value: figures.questionsByOrigin.room, cohort: 'room' },
              { key: 'q-remote', label: 'Remote', value: figures.questionsByOrigin.remote, cohort: 'remote' },
              { key: 'q-breakout', label: 'Breakout', value: figures.questionsByOrigin.breakout },
            ]}
          />
        </div>
        <div className="engagement-tile" data-testid="reactions-per-minute">
          <h3>Reactions per minute</h3>
          <p className="big-figure">{lastMinuteOf(d, 'reacted')}</p>
          <p className="muted small">in the last complete minute</p>
          <Sparkline
            room={reactions.room}
            remote={reactions.remote}
            testId="reactions-spark"
            summary={`Reactions over the last ${d.timeline.length} minutes: ${sum(reactions.room)} from the room, ${sum(reactions.remote)} remote`}
          />
        </div>
        <div className="engagement-tile" data-testid="chat-activity">
          <h3>Chat activity</h3>
          <p className="big-figure">{lastMinuteOf(d, 'chatted')}</p>
          <p className="muted small">messages in the last complete minute</p>
          <Sparkline
            room={chat.room}
            remote={chat.remote}
            testId="chat-spark"
            summary={`Chat messages over the last ${d.timeline.length} minutes: ${sum(chat.room)} from the room, ${sum(chat.remote)} remote`}
          />
        </div>
      </div>
    </>
  );
}
