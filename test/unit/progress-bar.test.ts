import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ProgressBar, progressPercent, progressText } from '@/components/ui/progress-bar';

/** The bar's width, its accessible text and its visible text, as rendered. */
function rendered(value: number, max: number | null) {
  const html = renderToStaticMarkup(createElement(ProgressBar, { label: 'Upload', value, max, unit: 'bytes' }));
  return {
    width: /style="width:([^"]*)"/.exec(html)?.[1] ?? null,
    valueText: /aria-valuetext="([^"]*)"/.exec(html)?.[1] ?? null,
    text: /data-testid="progress-text">([^<]*)</.exec(html)?.[1] ?? null,
  };
}

describe('the progress bar', () => {
  it('rounds down, so it reads 100% only when done, and clamps what overshoots', () => {
    expect(progressPercent(999, 1000)).toBe(99);
    expect(progressPercent(1000, 1000)).toBe(100);
    expect(progressPercent(1, 3)).toBe(33);
    expect(progressPercent(2, 3)).toBe(66);
    expect(progressPercent(5000, 1000)).toBe(100);
    expect(progressPercent(-1, 1000)).toBe(0);
    expect(progressPercent(5, null)).toBeNull();
    expect(progressPercent(5, 0)).toBeNull();
  });

  it('draws and says the same fraction: width, accessible text and visible text from one number', () => {
    for (const [value, max] of [
      [0, 1000],
      [1, 3],
      [2, 3],
      [995, 1000],
      [1023, 1024],
      [3 * 1024 ** 2, 7 * 1024 ** 2],
      [1000, 1000],
    ] as const) {
      const shown = rendered(value, max);
      const percent = /\((\d+)%\)$/.exec(shown.text ?? '')?.[1];
      expect(percent, `${value} of ${max}`).toBeDefined();
      expect(shown.width, `${value} of ${max}`).toBe(`${percent}%`);
      expect(shown.valueText, `${value} of ${max}`).toBe(shown.text);
    }
  });

  it('says bytes of the total, or of an unknown size with a moving bar', () => {
    expect(progressText(1536, 4096)).toBe('1.50 KiB of 4.00 KiB (37%)');
    expect(progressText(3, 4, 'count')).toBe('3 of 4 (75%)');
    expect(rendered(1536, null)).toEqual({
      width: null,
      valueText: '1.50 KiB of unknown size',
      text: '1.50 KiB of unknown size',
    });
  });
});
