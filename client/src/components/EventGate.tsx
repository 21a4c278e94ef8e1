import { useCallback, useState, type ReactNode } from 'react';
import type { Role } from '@rally/shared';
import { RallyProvider, useRally, type Fatal } from '../lib/rally';
import type { RallyState } from '../lib/state';
import { clearToken, loadToken, saveToken, type View } from '../lib/tokens';
import { fatalMessage } from '../features/join/messages';
import { ReloadBanner } from './ConnectionPill';
import { Notice, Screen } from './Layout';

export interface JoinSlotProps {
  /** Why the user is asked to join (again), if there is a reason to tell. */
  notice: string | null;
  onJoined: (token: string) => void;
}

/**
 * Everything between a URL and a live screen: the stored token for (code, view), the join step when
 * there is none, the socket provider when there is one, and what happens when the server stops
 * accepting the token (expired: join again; banned or deleted: say so).
 */
export function EventGate({
  code,
  view,
  roles,
  join,
  children,
}: {
  code: string;
  view: View;
  /** Roles this screen is for; another role gets an explanation instead of a broken screen. */
  roles: readonly Role[];
  join: (props: JoinSlotProps) => ReactNode;
  children: ReactNode;
}) {
  const [token, setToken] = useState<string | null>(() => loadToken(code, view));
  const [notice, setNotice] = useState<string | null>(null);
  const [ended, setEnded] = useState<string | null>(null);

  const onJoined = useCallback(
    (t: string) => {
      saveToken(code, view, t);
      setNotice(null);
      setEnded(null);
      setToken(t);
    },
    [code, view],
  );

  const onFatal = useCallback(
    (f: Fatal) => {
      clearToken(code, view);
      setToken(null);
      // [UI5] One sentence of ours, not the server's words next to a heading that says the same.
      const m = fatalMessage(f, view);
      if ('ended' in m) setEnded(m.ended);
      else setNotice(m.notice);
    },
    [code, view],
  );

  if (ended) {
    return (
      <Screen title={`Event ${code}`}>
        <Notice kind="error" testId="session-ended">
          {ended}
        </Notice>
      </Screen>
    );
  }
  if (!token) return <>{join({ notice, onJoined })}</>;
  return (
    <RallyProvider key={token} token={token} onFatal={onFatal}>
      <Connected
        roles={roles}
        onForget={() => {
          clearToken(code, view);
          setToken(null);
        }}
      >
        {children}
      </Connected>
    </RallyProvider>
  );
}

function Connected({ roles, onForget, children }: { roles: readonly Role[]; onForget: () => void; children: ReactNode }) {
  const { connection, state } = useRally();
  return (
    <>
      {connection === 'reload-required' ? <ReloadBanner /> : null}
      {!state ? (
        <Screen title="Rally" connection={connection}>
          <p className="loading" aria-busy="true">
            {connection === 'offline' ? 'You are offline. Rally will reconnect when the network is back.' : 'Connecting to the event…'}
          </p>
        </Screen>
      ) : !roles.includes(state.me.role) ? (
        <Screen title={state.event.name} connection={connection}>
          <Notice kind="warn" title="This screen is not for you" testId="wrong-role">
            You joined this event as {state.me.role}; this screen needs {roles.join(' or ')} access. Open the link the organiser sent
            for this screen.
          </Notice>
          <button type="button" className="btn" onClick={onForget}>
            Sign out of this screen
          </button>
        </Screen>
      ) : (
        children
      )}
    </>
  );
}

/** For screens rendered inside <EventGate>: the state is there, by construction. */
export function useLive(): { state: RallyState } & ReturnType<typeof useRally> {
  const ctx = useRally();
  if (!ctx.state) throw new Error('useLive before the first snapshot');
  return { ...ctx, state: ctx.state };
}
