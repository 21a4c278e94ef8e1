import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { HomePage } from './features/join/HomePage';
import { JoinPage } from './features/join/JoinPage';
import { AttendeeRoute } from './features/attendee/AttendeeRoute';
import { PresenterRoute } from './features/presenter/PresenterRoute';
import { ModeratorRoute } from './features/moderator/ModeratorRoute';
import { NotFoundPage } from './components/NotFoundPage';

// Only the projector and the organiser need the QR encoder: phones joining never download it.
const StageRoute = lazy(() => import('./features/stage/StageRoute').then((m) => ({ default: m.StageRoute })));
// The guides are read now and then, not on every phone load.
const HelpPage = lazy(() => import('./features/help/HelpPage').then((m) => ({ default: m.HelpPage })));
const OrganiserPage = lazy(() => import('./features/organiser/OrganiserPage').then((m) => ({ default: m.OrganiserPage })));

function Loading() {
  return (
    <p className="loading" aria-busy="true">
      Loading…
    </p>
  );
}

export function App() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/" element={<HomePage />} />
        <Route path="/j/:code" element={<JoinPage />} />
        <Route path="/e/:code" element={<AttendeeRoute />} />
        <Route path="/e/:code/presenter" element={<PresenterRoute />} />
        <Route path="/e/:code/moderator/:section?" element={<ModeratorRoute />} />
        <Route path="/e/:code/stage" element={<StageRoute />} />
        <Route path="/organiser" element={<OrganiserPage />} />
        <Route path="/help/:role" element={<HelpPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Suspense>
  );
}
