-- CreateTable
CREATE TABLE "Testbed" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "createdAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "requestedBy" TEXT,
    "claimedBy" TEXT,
    "heartbeatAt" DATETIME,
    "cancelRequestedAt" DATETIME,
    CONSTRAINT "Run_testbedId_fkey" FOREIGN KEY ("testbedId") REFERENCES "Testbed" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RunLabel" (
    "runId" TEXT NOT NULL,
    "label" TEXT NOT NULL,

    PRIMARY KEY ("runId", "label"),
    CONSTRAINT "RunLabel_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Measurement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "seriesKey" TEXT NOT NULL,
    "recordedAt" DATETIME NOT NULL,
    "mode" TEXT NOT NULL,
    "threads" INTEGER NOT NULL,
    "tasks" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "sampleCount" INTEGER NOT NULL,
    "wallMin" REAL,
    "wallMax" REAL,
    "wallMedian" REAL,
    "wallMean" REAL,
    "wallStddev" REAL,
    "wallCv" REAL,
    "cpuMin" REAL,
    "cpuMax" REAL,
    "cpuMedian" REAL,
    "cpuMean" REAL,
    "cpuStddev" REAL,
    "cpuCv" REAL,
    "setupMs" REAL,
    "speedup" REAL,
    "efficiency" REAL,
    "checksum" TEXT,
    "expectedChecksum" TEXT,
    "checksumStatus" TEXT NOT NULL,
    "sharedMemory" JSONB,
    CONSTRAINT "Measurement_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Sample" (
    "measurementId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "wallMs" REAL NOT NULL,
    "cpuMs" REAL,
    "taskDurationsMs" JSONB NOT NULL,
    "checksum" TEXT,
    "sharedMemory" JSONB,

    PRIMARY KEY ("measurementId", "index"),
    CONSTRAINT "Sample_measurementId_fkey" FOREIGN KEY ("measurementId") REFERENCES "Measurement" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Series" (
    "seriesKey" TEXT NOT NULL PRIMARY KEY,
    "workloadId" TEXT NOT NULL,
    "paramsKey" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "threads" INTEGER NOT NULL,
    "scaling" TEXT NOT NULL,
    "testbedId" TEXT,
    "branch" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "Series_testbedId_fkey" FOREIGN KEY ("testbedId") REFERENCES "Testbed" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Regression" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seriesKey" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "size" REAL NOT NULL,
    "baselineValue" REAL,
    "currentValue" REAL,
    "intervalLow" REAL,
    "intervalHigh" REAL,
    "confidence" REAL NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "statusChangedBy" TEXT,
    "statusChangedAt" DATETIME,
    "note" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Regression_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MutedSeries" (
    "seriesKey" TEXT NOT NULL PRIMARY KEY,
    "reason" TEXT,
    "mutedBy" TEXT,
    "createdAt" DATETIME NOT NULL
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

