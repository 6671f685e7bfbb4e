-- AlterTable
ALTER TABLE "Testbed" ADD COLUMN "freeThreadedBuild" BOOLEAN;
ALTER TABLE "Testbed" ADD COLUMN "gilEnabled" BOOLEAN;

-- AlterTable
ALTER TABLE "Measurement" ADD COLUMN "taskOverheadMs" REAL;

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "testbedId" TEXT,
    "version" TEXT,
    "tokenName" TEXT,
    "createdAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME,
    "disconnectedAt" DATETIME,
    CONSTRAINT "Agent_testbedId_fkey" FOREIGN KEY ("testbedId") REFERENCES "Testbed" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "scopes" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "createdBy" TEXT,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
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
    "harness" TEXT NOT NULL DEFAULT 'threadbench',
    "project" TEXT NOT NULL DEFAULT 'default',
    "workloadHash" TEXT,
    "workloadModule" TEXT,
    "commitSha" TEXT,
    "commitMessage" TEXT,
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
    "targetAgentId" TEXT,
    "targetLabels" JSONB,
    "agentId" TEXT,
    CONSTRAINT "Run_testbedId_fkey" FOREIGN KEY ("testbedId") REFERENCES "Testbed" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("branch", "cancelRequestedAt", "claimedBy", "commitSha", "createdAt", "environment", "error", "finishedAt", "heartbeatAt", "id", "idempotencyKey", "maxHeapMb", "modes", "params", "paramsKey", "priority", "repetitions", "requestedBy", "scaling", "seeded", "source", "startedAt", "status", "taskTimeoutMs", "testbedId", "threads", "updatedAt", "warmups", "workloadId") SELECT "branch", "cancelRequestedAt", "claimedBy", "commitSha", "createdAt", "environment", "error", "finishedAt", "heartbeatAt", "id", "idempotencyKey", "maxHeapMb", "modes", "params", "paramsKey", "priority", "repetitions", "requestedBy", "scaling", "seeded", "source", "startedAt", "status", "taskTimeoutMs", "testbedId", "threads", "updatedAt", "warmups", "workloadId" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE UNIQUE INDEX "Run_idempotencyKey_key" ON "Run"("idempotencyKey");
CREATE INDEX "Run_createdAt_id_idx" ON "Run"("createdAt" DESC, "id" DESC);
CREATE INDEX "Run_status_createdAt_id_idx" ON "Run"("status", "createdAt" DESC, "id" DESC);
CREATE INDEX "Run_workloadId_createdAt_id_idx" ON "Run"("workloadId", "createdAt" DESC, "id" DESC);
CREATE INDEX "Run_branch_createdAt_id_idx" ON "Run"("branch", "createdAt" DESC, "id" DESC);
CREATE INDEX "Run_testbedId_createdAt_id_idx" ON "Run"("testbedId", "createdAt" DESC, "id" DESC);
CREATE INDEX "Run_commitSha_idx" ON "Run"("commitSha");
CREATE INDEX "Run_status_priority_createdAt_idx" ON "Run"("status", "priority" DESC, "createdAt");
CREATE INDEX "Run_project_createdAt_id_idx" ON "Run"("project", "createdAt" DESC, "id" DESC);
CREATE INDEX "Run_agentId_idx" ON "Run"("agentId");
CREATE TABLE "new_Series" (
    "seriesKey" TEXT NOT NULL PRIMARY KEY,
    "workloadId" TEXT NOT NULL,
    "paramsKey" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "threads" INTEGER NOT NULL,
    "scaling" TEXT NOT NULL,
    "testbedId" TEXT,
    "branch" TEXT NOT NULL,
    "project" TEXT NOT NULL DEFAULT 'default',
    "harness" TEXT NOT NULL DEFAULT 'threadbench',
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "Series_testbedId_fkey" FOREIGN KEY ("testbedId") REFERENCES "Testbed" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Series" ("branch", "createdAt", "mode", "paramsKey", "scaling", "seriesKey", "testbedId", "threads", "workloadId") SELECT "branch", "createdAt", "mode", "paramsKey", "scaling", "seriesKey", "testbedId", "threads", "workloadId" FROM "Series";
DROP TABLE "Series";
ALTER TABLE "new_Series" RENAME TO "Series";
CREATE INDEX "Series_workloadId_mode_threads_idx" ON "Series"("workloadId", "mode", "threads");
CREATE INDEX "Series_project_workloadId_idx" ON "Series"("project", "workloadId");
CREATE TABLE "new_Regression" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seriesKey" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "metric" TEXT NOT NULL DEFAULT 'wall_time',
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
INSERT INTO "new_Regression" ("baselineValue", "confidence", "createdAt", "currentValue", "id", "intervalHigh", "intervalLow", "kind", "note", "runId", "seriesKey", "size", "status", "statusChangedAt", "statusChangedBy", "updatedAt") SELECT "baselineValue", "confidence", "createdAt", "currentValue", "id", "intervalHigh", "intervalLow", "kind", "note", "runId", "seriesKey", "size", "status", "statusChangedAt", "statusChangedBy", "updatedAt" FROM "Regression";
DROP TABLE "Regression";
ALTER TABLE "new_Regression" RENAME TO "Regression";
CREATE INDEX "Regression_status_createdAt_idx" ON "Regression"("status", "createdAt" DESC);
CREATE INDEX "Regression_runId_idx" ON "Regression"("runId");
CREATE UNIQUE INDEX "Regression_seriesKey_runId_metric_key" ON "Regression"("seriesKey", "runId", "metric");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Agent_name_key" ON "Agent"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_name_key" ON "ApiToken"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_secretHash_key" ON "ApiToken"("secretHash");

