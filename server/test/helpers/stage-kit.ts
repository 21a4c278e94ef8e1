import type { EventRecord } from '../../src/store/store.js';
import { pollKit, type PollKit } from './domain-kit.js';
import { kitStage, type KitStage } from './stage-services.js';

export interface StageKit extends PollKit {
  stage: KitStage;
  /** The event as stored now. */
  current(): Promise<EventRecord>;
}

/** The polls kit (real in-memory store, fake clock, recording publisher) with stage services. */
export async function stageKit(opts: Parameters<typeof kitStage>[1] = {}): Promise<StageKit> {
  const k = await pollKit();
  const stage = kitStage(k.clock, opts);
  return {
    ...k,
    stage,
    deps: { ...k.deps, stage },
    current: async () => (await k.store.getEvent(k.event.id))!,
  };
}
