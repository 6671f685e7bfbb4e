-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Testbed" (
    "id" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "os" TEXT NOT NULL,
    "osRelease" TEXT NOT NULL,
    "arch" TEXT NOT NULL,
    "cpuModel" TEXT NOT NULL,
    "logicalCores" INTEGER NOT NULL,
    "memoryBytes" BIGINT NOT NULL,
    "runtime" TEXT NOT NULL,
    "runtimeVersion" TEXT NOT NULL,
    "v8Version" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Testbed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "paramsKey" TEXT NOT NULL,
    "modes" JSONB NOT NULL,
    "threads" JSONB NOT NULL,
    "repetitions" INTEGER NOT NULL,
    "warmups" INTEGER NOT NULL,
    "scaling" TEXT NOT NULL,
    "taskTimeoutMs" INTEGER,
    "maxHeapMb" INTEGER,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "source" TEXT NOT NULL,
    "commitSha" TEXT,
    "branch" TEXT,
    "idempotencyKey" TEXT,
    "seeded" BOOLEAN NOT NULL DEFAULT false,
    "environment" JSONB,
    "testbedId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "requestedBy" TEXT,
    "claimedBy" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "cancelRequestedAt" TIMESTAMP(3),

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunLabel" (
    "runId" TEXT NOT NULL,
    "label" TEXT NOT NULL,

    CONSTRAINT "RunLabel_pkey" PRIMARY KEY ("runId","label")
);

-- CreateTable
CREATE TABLE "Measurement" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "seriesKey" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,
    "mode" TEXT NOT NULL,
    "threads" INTEGER NOT NULL,
    "tasks" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "sampleCount" INTEGER NOT NULL,
    "wallMin" DOUBLE PRECISION,
    "wallMax" DOUBLE PRECISION,
    "wallMedian" DOUBLE PRECISION,
    "wallMean" DOUBLE PRECISION,
    "wallStddev" DOUBLE PRECISION,
    "wallCv" DOUBLE PRECISION,
    "cpuMin" DOUBLE PRECISION,
    "cpuMax" DOUBLE PRECISION,
    "cpuMedian" DOUBLE PRECISION,
    "cpuMean" DOUBLE PRECISION,
    "cpuStddev" DOUBLE PRECISION,
    "cpuCv" DOUBLE PRECISION,
    "setupMs" DOUBLE PRECISION,
    "speedup" DOUBLE PRECISION,
    "efficiency" DOUBLE PRECISION,
    "checksum" TEXT,
    "expectedChecksum" TEXT,
    "checksumStatus" TEXT NOT NULL,
    "sharedMemory" JSONB,

    CONSTRAINT "Measurement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Sample" (
    "measurementId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "wallMs" DOUBLE PRECISION NOT NULL,
    "cpuMs" DOUBLE PRECISION,
    "taskDurationsMs" JSONB NOT NULL,
    "checksum" TEXT,
    "sharedMemory" JSONB,

    CONSTRAINT "Sample_pkey" PRIMARY KEY ("measurementId","index")
);

-- CreateTable
CREATE TABLE "Series" (
    "seriesKey" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "paramsKey" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "threads" INTEGER NOT NULL,
    "scaling" TEXT NOT NULL,
    "testbedId" TEXT,
    "branch" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Series_pkey" PRIMARY KEY ("seriesKey")
);

-- CreateTable
CREATE TABLE "Regression" (
    "id" TEXT NOT NULL,
    "seriesKey" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "size" DOUBLE PRECISION NOT NULL,
    "baselineValue" DOUBLE PRECISION,
    "currentValue" DOUBLE PRECISION,
    "intervalLow" DOUBLE PRECISION,
    "intervalHigh" DOUBLE PRECISION,
    "confidence" DOUBLE PRECISION NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "statusChangedBy" TEXT,
    "statusChangedAt" TIMESTAMP(3),
    "note" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Regression_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MutedSeries" (
    "seriesKey" TEXT NOT NULL,
    "reason" TEXT,
    "mutedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MutedSeries_pkey" PRIMARY KEY ("seriesKey")
);

-- CreateIndex
CREATE UNIQUE INDEX "Testbed_fingerprint_key" ON "Testbed"("fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "Run_idempotencyKey_key" ON "Run"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Run_createdAt_id_idx" ON "Run"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Run_status_createdAt_id_idx" ON "Run"("status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Run_workloadId_createdAt_id_idx" ON "Run"("workloadId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Run_branch_createdAt_id_idx" ON "Run"("branch", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Run_testbedId_createdAt_id_idx" ON "Run"("testbedId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Run_commitSha_idx" ON "Run"("commitSha");

-- CreateIndex
CREATE INDEX "Run_status_priority_createdAt_idx" ON "Run"("status", "priority" DESC, "createdAt");

-- CreateIndex
CREATE INDEX "RunLabel_label_runId_idx" ON "RunLabel"("label", "runId");

-- CreateIndex
CREATE INDEX "Measurement_seriesKey_recordedAt_id_idx" ON "Measurement"("seriesKey", "recordedAt" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Measurement_runId_mode_threads_key" ON "Measurement"("runId", "mode", "threads");

-- CreateIndex
CREATE INDEX "Series_workloadId_mode_threads_idx" ON "Series"("workloadId", "mode", "threads");

-- CreateIndex
CREATE INDEX "Regression_status_createdAt_idx" ON "Regression"("status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Regression_runId_idx" ON "Regression"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "Regression_seriesKey_runId_key" ON "Regression"("seriesKey", "runId");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_testbedId_fkey" FOREIGN KEY ("testbedId") REFERENCES "Testbed"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunLabel" ADD CONSTRAINT "RunLabel_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Measurement" ADD CONSTRAINT "Measurement_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sample" ADD CONSTRAINT "Sample_measurementId_fkey" FOREIGN KEY ("measurementId") REFERENCES "Measurement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Series" ADD CONSTRAINT "Series_testbedId_fkey" FOREIGN KEY ("testbedId") REFERENCES "Testbed"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Regression" ADD CONSTRAINT "Regression_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

