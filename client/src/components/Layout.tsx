import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ConnectionPill } from './ConnectionPill';
import type { ConnectionState } from '../lib/rally';

/** Header + main landmark shared by every screen except the stage. */
export function Screen({
  title,
  subtitle,
  connection,
  children,
  wide = false,
}: {
  title: string;
  subtitle?: ReactNode;
  connection?: ConnectionState;
  children: ReactNode;
  wide?: boolean;
}) {
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
