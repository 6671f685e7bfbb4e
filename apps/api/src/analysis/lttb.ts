/**
 * Kept by hand on purpose (issue 12): it is short, has no dependencies and takes
 * accessors, so it works on any point shape the series query reads.
 *
 * Largest-triangle-three-buckets downsampling (Steinarsson 2013): keeps the first and
 * last points and, from each of `threshold - 2` buckets in between, the point forming
 * the largest triangle with the previous kept point and the next bucket's average. It
 * keeps peaks and steps that averaging would flatten, which is what regressions look like.
 * Points must be sorted by x. Returns a copy of the input when it is small enough.
 */
export function largestTriangleThreeBuckets<Point>(
  points: readonly Point[],
  threshold: number,
  x: (point: Point) => number,
  y: (point: Point) => number,
): Point[] {
  const count = points.length;
  // Fewer than 3 cannot keep both ends and anything between; callers validate >= 3.
  if (threshold >= count || threshold < 3) return [...points];
  const sampled: Point[] = [points[0] as Point];
  const bucketSize = (count - 2) / (threshold - 2);
  let previous = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.min(Math.floor((bucket + 1) * bucketSize) + 1, count - 1);
    // Average of the next bucket (the last point for the final bucket).
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, count);
    let averageX = 0;
    let averageY = 0;
    for (let index = nextStart; index < nextEnd; index++) {
      averageX += x(points[index] as Point);
      averageY += y(points[index] as Point);
    }
    const nextCount = Math.max(nextEnd - nextStart, 1);
    averageX /= nextCount;
    averageY /= nextCount;
    const anchorX = x(points[previous] as Point);
    const anchorY = y(points[previous] as Point);
    let largestArea = -1;
    let chosen = start;
    for (let index = start; index < end; index++) {
      const pointX = x(points[index] as Point);
      const pointY = y(points[index] as Point);
      const area = Math.abs(
        (anchorX - averageX) * (pointY - anchorY) - (anchorX - pointX) * (averageY - anchorY),
      );
      if (area > largestArea) {
        largestArea = area;
        chosen = index;
      }
    }
    sampled.push(points[chosen] as Point);
    previous = chosen;
  }
  sampled.push(points[count - 1] as Point);
  return sampled;
}
