-- A page of sparklines (GraphQL seriesPage: the series explorer and the overview): the
-- last N succeeded wall-time medians of each series, read from this index alone (through
-- the (seriesKey, recordedAt, id) index every point cost a read of its wide Measurement
-- row: ~15-20 ms for a page of 24-50 series at 100,000 runs). Additive.
CREATE INDEX "Measurement_seriesKey_status_recordedAt_id_wallMedian_idx" ON "Measurement"("seriesKey", "status", "recordedAt" DESC, "id" DESC, "wallMedian");
