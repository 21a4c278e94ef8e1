import type { BrowserContextOptions } from '@playwright/test';

/** The screens people use at a hybrid event: in-room attendees on phones, remote ones on laptops. */
export const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } satisfies BrowserContextOptions;
export const LAPTOP = { viewport: { width: 1280, height: 800 } } satisfies BrowserContextOptions;
/** The stage screen behind the presenter. */
export const PROJECTOR = { viewport: { width: 1920, height: 1080 } } satisfies BrowserContextOptions;

export const deviceFor = (mode: 'room' | 'remote') => (mode === 'room' ? PHONE : LAPTOP);
