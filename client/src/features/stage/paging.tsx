import { useEffect, useState } from 'react';

/** How long the projector shows one page of a long list (an open-text wall, a leaderboard). */
export const PAGE_MS = 8000;

/**
 * [STAGE45] Splits items into pages of at most `maxItems` whose sizes (text length, rows) add up
 * to at most `budget`; an item bigger than the budget gets a page of its own.
 */
export function paginate<T>(items: readonly T[], size: (item: T) => number, budget: number, maxItems: number): T[][] {
  const pages: T[][] = [];
  let page: T[] = [];
  let used = 0;
  for (const item of items) {
    const s = size(item);
    if (page.length > 0 && (used + s > budget || page.length >= maxItems)) {
      pages.push(page);
      page = [];
      used = 0;
    }
    page.push(item);
    used += s;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/** The page to show now: rotates every PAGE_MS, back to the first when the page count changes. */
export function useRotatingPage(count: number, everyMs = PAGE_MS): number {
  const [index, setIndex] = useState(0);
  useEffect(() => {
    setIndex(0);
    if (count <= 1) return;
    const t = setInterval(() => setIndex((i) => (i + 1) % count), everyMs);
    return () => clearInterval(t);
  }, [count, everyMs]);
  return Math.min(index, Math.max(0, count - 1));
}

/** "Page 2 of 3", for the projector; nothing when everything fits on one page. */
export function PageOf({ index, count }: { index: number; count: number }) {
  if (count <= 1) return null;
  return (
    <p className="stage-page" data-testid="stage-page" aria-hidden="true">
      Page {index + 1} of {count}
    </p>
  );
}
