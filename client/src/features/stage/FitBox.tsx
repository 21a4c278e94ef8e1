import { useCallback, useLayoutEffect, useRef, type CSSProperties, type ReactNode } from 'react';

/** Smallest scale tried: below it text is no longer readable, so long content pages instead. */
const MIN_SCALE = 0.3;
const STEPS = 9;

/**
 * [STAGE41] A box whose content always fits: it measures the content and scales its font size
 * down (never up) until nothing overflows, by bisection. Everything inside is sized in `em`, so the
 * whole layout shrinks together. Refits when the box is resized or its content changes (a vote, a
 * new page, a countdown tick).
 */
export function FitBox({ children, className, style, testId }: { children: ReactNode; className?: string; style?: CSSProperties; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const fitting = useRef(false);

  const fit = useCallback(() => {
    const b = box.current;
    const c = content.current;
    if (!b || !c || fitting.current) return;
    fitting.current = true;
    const fits = () => b.scrollHeight <= b.clientHeight + 0.5 && b.scrollWidth <= b.clientWidth + 0.5;
    const apply = (s: number) => {
      c.style.fontSize = `${(s * 100).toFixed(2)}%`;
    };
    apply(1);
    if (!fits()) {
      let lo = MIN_SCALE;
      let hi = 1;
      for (let i = 0; i < STEPS; i++) {
        const mid = (lo + hi) / 2;
        apply(mid);
        if (fits()) lo = mid;
        else hi = mid;
      }
      apply(lo);
      b.dataset.scale = lo.toFixed(3);
    } else {
      b.dataset.scale = '1';
    }
    fitting.current = false;
  }, []);

  // Every render may change the content.
  useLayoutEffect(fit);

  useLayoutEffect(() => {
    const b = box.current;
    const c = content.current;
    if (!b || !c) return;
    let frame = 0;
    const later = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(fit);
    };
    // The box's own size (a viewport change, the announcement band coming and going) ...
    const resized = new ResizeObserver(later);
    resized.observe(b);
    // ... and content that changes without this component rendering (children with their own state).
    const changed = new MutationObserver(later);
    changed.observe(c, { childList: true, subtree: true, characterData: true });
    void document.fonts?.ready.then(later);
    return () => {
      cancelAnimationFrame(frame);
      resized.disconnect();
      changed.disconnect();
    };
  }, [fit]);

  return (
    <div ref={box} className={`fit-box ${className ?? ''}`} style={style} data-testid={testId}>
      <div ref={content} className="fit-content">
        {children}
      </div>
    </div>
  );
}
