import type { BreakoutFormat, BreakoutRoom, RubricCriterion, StructuredKind } from './breakout.js';

/*
 * [BRK76] Starting points for a round's plan, shared by the console's editor and the demo event: the
 * structured formats' default roles, briefs and rubric, and "N rooms of capacity C". Ids come from the
 * caller (the browser and the server make them differently).
 */

/**
 * [BRK76] A structured format's starting point: roles with briefs and a rubric the moderator then
 * edits. Role 0 is each rotation's subject ([BRK50]); rotations = roles, so everyone plays each role.
 */
export function defaultFormat(kind: 'open' | StructuredKind, newId: () => string): BreakoutFormat {
  const role = (name: string, scores: boolean, brief: string) => ({ id: newId(), name, scores, brief });
  const rubric = (...labels: string[]): RubricCriterion[] => labels.map((label) => ({ id: newId(), label }));
  switch (kind) {
    case 'open':
      return { kind: 'open' };
    case 'rolePlay':
      return {
        kind,
        roles: [
          role('Seller', false, 'Run a 5-minute discovery call. Find the buyer’s pain and agree a next step.'),
          role('Buyer', false, 'You are a busy VP. Share your pain only when asked good questions; push back on price once.'),
          role('Observer', true, 'Watch the seller. Score each criterion from 1 to 5 and write one thing to keep and one to change.'),
        ],
        rotations: 3,
        rubric: rubric('Discovery questions', 'Listening', 'Handling the objection', 'Agreeing a next step'),
      };
    case 'teachBack':
      return {
        kind,
        roles: [role('Teacher', false, 'Teach your concept in 3 minutes, as you would to a customer.'), role('Learner', true, 'Ask one question, then rate how clearly it was taught.')],
        rotations: 3,
        rubric: rubric('Clarity', 'Accuracy', 'Customer relevance'),
      };
    case 'dealClinic':
      return {
        kind,
        roles: [role('Presenter', false, 'Present one live deal: the customer, the stage, what is stuck.'), role('Adviser', true, 'Give structured feedback: one risk, one idea, one question.')],
        rotations: 3,
        rubric: rubric('Deal qualification', 'Next-step plan', 'Risk awareness'),
      };
  }
}

/** [BRK76] "N rooms of capacity C": rooms named Room 1 … Room N (at most 500, capacity 1–100); ids from `newId`, kept for rooms that exist. */
export function quickRooms(count: number, capacity: number, newId: () => string, existing: readonly BreakoutRoom[] = []): BreakoutRoom[] {
  const n = Math.max(1, Math.min(500, Math.floor(count)));
  const cap = Math.max(1, Math.min(100, Math.floor(capacity)));
  return Array.from({ length: n }, (_, i) => {
    const old = existing[i];
    return { id: old?.id ?? newId(), name: old?.name ?? `Room ${i + 1}`, topic: old?.topic ?? '', capacity: cap, facilitatorId: old?.facilitatorId ?? null };
  });
}
