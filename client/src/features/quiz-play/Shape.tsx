import { markOf, type AnswerShape } from './model';

const PATHS: Record<AnswerShape, string> = {
  triangle: 'M12 3 L22 20 L2 20 Z',
  diamond: 'M12 2 L22 12 L12 22 L2 12 Z',
  circle: 'M12 2 A10 10 0 1 1 11.99 2 Z',
  square: 'M3 3 H21 V21 H3 Z',
  hexagon: 'M7 3 H17 L22 12 L17 21 H7 L2 12 Z',
  star: 'M12 2 L14.9 8.6 L22 9.3 L16.6 14 L18.2 21 L12 17.3 L5.8 21 L7.4 14 L2 9.3 L9.1 8.6 Z',
};

/**
 * [UI58] The shape of the i-th answer, drawn in white on its colour. Decorative for assistive
 * technology: the button's text says the shape's name and the answer.
 */
export function ShapeIcon({ index, className = '' }: { index: number; className?: string }) {
  const mark = markOf(index);
  return (
    <svg className={`quiz-shape ${className}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false" data-shape={mark.shape}>
      <path d={PATHS[mark.shape]} fill="currentColor" />
    </svg>
  );
}
