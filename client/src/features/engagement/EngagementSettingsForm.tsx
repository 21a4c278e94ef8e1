import { useEffect, useId, useState, type FormEvent } from 'react';
import { ENGAGEMENT_KINDS, type EngagementSettings, type LeaderboardMode, type RallyErrorBody } from '@rally/shared';
import { useLive } from '../../components/EventGate';
import { sentence } from '../../lib/text';
import { settingsForm, settingsPatch, WEIGHT_KINDS, type FieldErrors, type SettingsForm } from './model';

const LEADERBOARD_LABEL: Record<LeaderboardMode, string> = { off: 'Off', teams: 'Teams', all: 'Teams and top 10 attendees' };

/**
 * [ENG5] [ENG9] [ENG11] The organiser's knobs: points per interaction kind, the parity alert's
 * threshold, and the leaderboard everyone sees. Checked in the browser with the protocol's schema
 * (per field), then by the server, whose typed refusal is shown in place.
 */
export function EngagementSettingsForm({ settings }: { settings: EngagementSettings }) {
  const { send } = useLive();
  const [form, setForm] = useState<SettingsForm>(() => settingsForm(settings));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [refused, setRefused] = useState<RallyErrorBody | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState('');
  const ids = { threshold: useId(), leaderboard: useId(), weights: useId() };
  // Settings changed (by us or another moderator): the form shows what is in force now.
  const inForce = JSON.stringify(settings);
  useEffect(() => setForm(settingsForm(settings)), [inForce]);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved('');
    setRefused(null);
    const checked = settingsPatch(form, settings);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (Object.keys(checked.patch).length === 0) {
      setSaved('Nothing changed.');
      return;
    }
    setBusy(true);
    const ack = await send('engagement:configure', { settings: checked.patch }, { quiet: true });
    setBusy(false);
    if (!ack.ok) {
      setRefused(ack.error);
      return;
    }
    setSaved('Settings saved.');
  }

  const errorId = (key: string) => (errors[key] ? `${ids.weights}-${key}-error` : undefined);

  return (
    <form className="stack engagement-settings" onSubmit={save} noValidate data-testid="engagement-settings" aria-labelledby={`${ids.weights}-heading`}>
      <h3 id={`${ids.weights}-heading`}>Settings</h3>
      <div className="field">
        <label htmlFor={ids.threshold}>Parity alert threshold (% of room participation)</label>
        <input
          id={ids.threshold}
          inputMode="decimal"
          value={form.thresholdPct}
          onChange={(e) => setForm({ ...form, thresholdPct: e.target.value })}
          aria-invalid={!!errors.thresholdPct}
          aria-describedby={errorId('thresholdPct')}
          data-testid="parity-threshold"
        />
        {errors.thresholdPct ? (
          <p className="field-error" id={errorId('thresholdPct')}>
            {errors.thresholdPct}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={ids.leaderboard}>Leaderboard shown to everyone</label>
        <select id={ids.leaderboard} value={form.leaderboard} onChange={(e) => setForm({ ...form, leaderboard: e.target.value as LeaderboardMode })} data-testid="leaderboard-mode">
          {(Object.keys(LEADERBOARD_LABEL) as LeaderboardMode[]).map((m) => (
            <option key={m} value={m}>
              {LEADERBOARD_LABEL[m]}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="weights">
        <legend>Points per interaction (engagement score)</legend>
        {WEIGHT_KINDS.map((k) => {
          const key = `weights.${k}`;
          const id = `${ids.weights}-${k}`;
          return (
            <div className="field weight" key={k}>
              <label htmlFor={id}>{ENGAGEMENT_KINDS[k].label}</label>
              <input
                id={id}
                inputMode="numeric"
                value={form.weights[k]}
                onChange={(e) => setForm({ ...form, weights: { ...form.weights, [k]: e.target.value } })}
                aria-invalid={!!errors[key]}
                aria-describedby={errorId(key)}
              />
              {errors[key] ? (
                <p className="field-error" id={errorId(key)}>
                  {errors[key]}
                </p>
              ) : null}
            </div>
          );
        })}
      </fieldset>
      <p className="muted small" data-testid="webhook-status">
        {settings.webhookConfigured ? 'A webhook is set for this event.' : 'No webhook is set.'} The organiser sets it with the REST API
        (the secret never comes back to the browser).
      </p>
      {refused ? (
        <p className="field-error" role="alert" data-testid="settings-error">
          {sentence(refused.message)} ({refused.code})
        </p>
      ) : null}
      {errors.form ? <p className="field-error">{errors.form}</p> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="save-engagement-settings">
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        <span className="muted small" role="status">
          {saved}
        </span>
      </div>
    </form>
  );
}
