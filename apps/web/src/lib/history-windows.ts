/**
 * Reading a whole series history through an API that returns at most N points a request
 * (more are downsampled): the range is halved in time until each window comes back
 * whole. Windows are [from, to): every point is read once.
 */

export interface HistoryWindow<T> {
  points: T[];
  downsampled: boolean;
}

/** Halvings at most: 2^16 windows of 5,000 points is far beyond any stored series. */
export const maxWindowDepth = 16;

export async function readAllPoints<T extends { timestamp: string }>(
  fetchWindow: (from: string | null, to: string | null) => Promise<HistoryWindow<T>>,
  from: string | null = null,
  to: string | null = null,
  depth = 0,
): Promise<T[]> {
  const window = await fetchWindow(from, to);
  if (!window.downsampled || depth >= maxWindowDepth || window.points.length === 0) return window.points;
  const first = Date.parse((window.points[0] as T).timestamp);
  const last = Date.parse((window.points.at(-1) as T).timestamp);
  // +1 ms: the upper bound is exclusive, so the first point always falls in the left half.
  const middle = new Date(Math.floor((first + last) / 2) + 1).toISOString();
  return [
    ...(await readAllPoints(fetchWindow, from, middle, depth + 1)),
    ...(await readAllPoints(fetchWindow, middle, to, depth + 1)),
  ];
}
