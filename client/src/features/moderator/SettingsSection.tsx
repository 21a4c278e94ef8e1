import { BrandingForm, StreamSettings } from '../stage-live/ModeratorStage';

/** [UI10] How the event looks and streams: set up before the doors open, rarely touched during it. */
export function SettingsSection() {
  return (
    <div className="panel-grid">
      <StreamSettings />
      <BrandingForm />
    </div>
  );
}
