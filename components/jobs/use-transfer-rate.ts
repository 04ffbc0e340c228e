'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * Bytes per second from successive progress samples, smoothed so one slow poll does not make the
 * ETA jump about. Null until two samples exist.
 */
export function useTransferRate(bytesDone: number, live: boolean): number | null {
  const last = useRef<{ bytes: number; at: number } | null>(null);
  const [rate, setRate] = useState<number | null>(null);
  useEffect(() => {
    const at = performance.now();
    const prev = last.current;
    last.current = { bytes: bytesDone, at };
    if (!live || !prev || at - prev.at < 200 || bytesDone < prev.bytes) return;
    const sample = ((bytesDone - prev.bytes) * 1000) / (at - prev.at);
    setRate((r) => (r === null ? sample : r * 0.7 + sample * 0.3));
  }, [bytesDone, live]);
  return live ? rate : null;
}
