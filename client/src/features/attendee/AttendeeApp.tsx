import { useLive } from '../../components/EventGate';
import { Screen } from '../../components/Layout';
import { AgendaNowNext } from '../../components/AgendaNowNext';
import { AttendeeQuestions } from '../qa/AttendeeQuestions';
import { AnnouncementBanner, canEnterRoomCode, JoinNoticeBanner, ReactionsBar, StageWithActivity } from '../stage-live/AttendeeStage';
import { EventChat } from '../stage-live/Chat';
import { AttendeeSurvey } from '../engagement/AttendeeSurvey';
import { AttendeeLeaderboard } from '../engagement/AttendeeLeaderboard';
import { LiveNow } from './LiveNow';
import { QuizzesToRevisit } from '../quiz-play/SelfPacedQuiz';
import { useYouMenu, YouMenu, YouMenuProvider } from './YouMenu';
import { BreakoutNotice, BreakoutRoomView, MyFeedback, RoomPicker, useMyRoom } from '../breakouts/AttendeeBreakout';

/**
 * The attendee's screen, phone first ([UI30]): what needs their attention (announcement, join
 * notice), then "Live now", then everything else. Who they are lives in the header's "You" menu.
 */
export function AttendeeApp({ code }: { code: string }) {
  return (
    <YouMenuProvider>
      <AttendeeScreen code={code} />
    </YouMenuProvider>
  );
}

function AttendeeScreen({ code }: { code: string }) {
  const { state, connection } = useLive();
  const { event } = state;
  const menu = useYouMenu();
  // [BRK71] In a breakout room the room replaces the stage, at once and without a reload.
  const room = useMyRoom();

  if (room) {
    return (
      <Screen title={event.name} subtitle={`Code ${code}`} connection={connection} actions={<YouMenu code={code} />}>
        <h1 className="visually-hidden">{event.name}</h1>
        <div className="attendee-top">
          <AnnouncementBanner />
          <BreakoutRoomView where={room} />
        </div>
      </Screen>
    );
  }

  return (
    <Screen title={event.name} subtitle={`Code ${code}`} connection={connection} actions={<YouMenu code={code} />}>
      <h1 className="visually-hidden">{event.name}</h1>
      <div className="attendee-top">
        <AnnouncementBanner />
        <JoinNoticeBanner
          code={code}
          action={
            canEnterRoomCode(state) ? (
              <button type="button" className="btn btn-small btn-primary" onClick={() => menu.show({ roomCode: true })}>
                I’m in the room
              </button>
            ) : null
          }
        />

        <RoomPicker />
        <BreakoutNotice />

        <StageWithActivity>
          <LiveNow />
        </StageWithActivity>
      </div>

      <ReactionsBar />

      <MyFeedback />

      <QuizzesToRevisit />

      <AttendeeSurvey />

      <AttendeeLeaderboard />

      <AttendeeQuestions />

      <EventChat />

      <AgendaNowNext event={event} />
    </Screen>
  );
}
