import { Link } from 'react-router-dom';
import { Screen } from './Layout';

export function NotFoundPage() {
  return (
    <Screen title="Not found">
      <section className="card">
        <h1>There is nothing at this address</h1>
        <p>
          <Link to="/">Enter an event code</Link> to join an event.
        </p>
      </section>
    </Screen>
  );
}
