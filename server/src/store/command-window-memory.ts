/**
 * [REL16] [REL18] The embedded command window (the ids of a participant's latest windowed commands,
 * reactions), shared by the realtime pipeline (realtime/command-window.ts) and the embedded store's
 * reaction step ([PERF9]): a Map in memory, bounded in participants too.
 */
export interface CommandWindow {
  /** True the first time this participant's id is seen within the window (and it is now taken); false for a repeat. */
  claim(participantId: string, commandId: string): Promise<boolean>;
  /** Gives an id back, so a retry of an attempt that was refused or failed is applied then ([REL19]). */
  release(participantId: string, commandId: string): Promise<void>;
}

export const COMMAND_WINDOW = { size: 16, ttlMs: 3 * 60_000, maxParticipants: 20_000 } as const;

/** The embedded window; `now` is a parameter for the unit tests. */
export function memoryWindow(size: number, ttlMs: number, maxParticipants: number, now: () => number): CommandWindow {
  // Insertion order is recency: a participant's entry is re-inserted at every claim.
  const windows = new Map<string, { ids: string[]; lastMs: number }>();
  return {
    async claim(participantId, commandId) {
      const t = now();
      const w = windows.get(participantId);
      const ids = w && t - w.lastMs < ttlMs ? w.ids : [];
      if (ids.includes(commandId)) return false;
      ids.unshift(commandId);
      if (ids.length > size) ids.length = size;
      windows.delete(participantId);
      windows.set(participantId, { ids, lastMs: t });
      // The least recently active go first: expired ones, or the oldest when there are too many.
      for (const [pid, old] of windows) {
        if (windows.size <= maxParticipants && t - old.lastMs < ttlMs) break;
        windows.delete(pid);
      }
      return true;
    },
    async release(participantId, commandId) {
      const w = windows.get(participantId);
      const i = w ? w.ids.indexOf(commandId) : -1;
      if (i >= 0) w!.ids.splice(i, 1);
    },
  };
}
