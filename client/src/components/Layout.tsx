import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { helpHref } from '../features/help/roles';
import { ConnectionPill } from './ConnectionPill';
import type { ConnectionState } from '../lib/rally';

/** Header + main landmark shared by every screen except the stage. */
export function Screen({
  title,
  subtitle,
  connection,
  children,
  wide = false,
  actions,
}: {
  title: string;
  subtitle?: ReactNode;
  connection?: ConnectionState;
  children: ReactNode;
  wide?: boolean;
  /** Controls of this screen that belong in the header (the attendee's "You" menu). */
  actions?: ReactNode;
}) {
  const location = useLocation();
  return (
    <>
      <header className="topbar">
        <div className={`topbar-inner ${wide ? 'wide' : ''}`}>
          <Link to="/" className="brand" aria-label="Rally home">
            Rally
          </Link>
          <div className="topbar-title">
            <span className="topbar-name">{title}</span>
            {subtitle ? <span className="topbar-sub">{subtitle}</span> : null}
          </div>
          {connection ? <ConnectionPill state={connection} /> : null}
          {/* [UI38] Every screen with a header links to its role's guide (the stage screen has no header). */}
          {/* A key link keeps its key in the hash until the join (removed with history.replaceState, which the
              router does not see): the guide opens beside it, not over it. */}
          <Link
            to={helpHref(location.pathname, location.search)}
            className="topbar-link"
            data-testid="help-link"
            aria-current={location.pathname.startsWith('/help/') ? 'page' : undefined}
            {...(window.location.hash.includes('key=') ? { target: '_blank', rel: 'noopener' } : {})}
          >
            Help
          </Link>
          {actions}
        </div>
      </header>
      <main id="main" className={`container ${wide ? 'wide' : ''}`}>
        {children}
      </main>
    </>
  );
}

export function Notice({ kind = 'info', title, children, testId }: { kind?: 'info' | 'error' | 'warn'; title?: string; children: ReactNode; testId?: string }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'info' ? 'status' : 'alert'} data-testid={testId}>
      {title ? <strong className="notice-title">{title}</strong> : null}
      <div>{children}</div>
    </div>
  );
}
