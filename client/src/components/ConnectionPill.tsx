import type { ConnectionState } from '../lib/rally';

const LABEL: Record<ConnectionState, string> = {
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  offline: 'offline',
  'reload-required': 'reload-required',
};

const HINT: Record<ConnectionState, string> = {
  connecting: 'Connecting to Rally',
  live: 'Connected, updates arrive live',
  reconnecting: 'Connection lost, reconnecting',
  offline: 'You are offline',
  'reload-required': 'Rally was updated, reload the page',
};

/** The visible connection state. The text is the state itself so tests and people read the same thing. */
export function ConnectionPill({ state }: { state: ConnectionState }) {
  return (
    <span className={`pill pill-${state}`} role="status" data-testid="connection-state" data-state={state} title={HINT[state]}>
      <span className="pill-dot" aria-hidden="true" />
      <span className="visually-hidden">Connection: </span>
      {LABEL[state]}
    </span>
  );
}

export function ReloadBanner() {
  return (
    <div className="banner banner-warn" role="alert" data-testid="reload-banner">
      <span>Rally was updated, please reload to continue.</span>
      <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
        Reload
      </button>
    </div>
  );
}
