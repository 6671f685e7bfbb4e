-- DropIndex
DROP INDEX "Regression_seriesKey_runId_key";

-- AlterTable
ALTER TABLE "Testbed" ADD COLUMN     "freeThreadedBuild" BOOLEAN,
ADD COLUMN     "gilEnabled" BOOLEAN;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "agentId" TEXT,
ADD COLUMN     "commitMessage" TEXT,
ADD COLUMN     "harness" TEXT NOT NULL DEFAULT 'threadbench',
ADD COLUMN     "project" TEXT NOT NULL DEFAULT 'default',
ADD COLUMN     "targetAgentId" TEXT,
ADD COLUMN     "targetLabels" JSONB,
ADD COLUMN     "workloadHash" TEXT,
ADD COLUMN     "workloadModule" TEXT;

-- AlterTable
ALTER TABLE "Measurement" ADD COLUMN     "taskOverheadMs" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Series" ADD COLUMN     "harness" TEXT NOT NULL DEFAULT 'threadbench',
ADD COLUMN     "project" TEXT NOT NULL DEFAULT 'default';

-- AlterTable
ALTER TABLE "Regression" ADD COLUMN     "metric" TEXT NOT NULL DEFAULT 'wall_time';

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "testbedId" TEXT,
    "version" TEXT,
    "tokenName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3),
    "disconnectedAt" TIMESTAMP(3),

    CONSTRAINT "Agent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "scopes" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "createdBy" TEXT,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Agent_name_key" ON "Agent"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_name_key" ON "ApiToken"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_secretHash_key" ON "ApiToken"("secretHash");

-- CreateIndex
CREATE INDEX "Run_project_createdAt_id_idx" ON "Run"("project", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Run_agentId_idx" ON "Run"("agentId");

-- CreateIndex
CREATE INDEX "Series_project_workloadId_idx" ON "Series"("project", "workloadId");

-- CreateIndex
CREATE UNIQUE INDEX "Regression_seriesKey_runId_metric_key" ON "Regression"("seriesKey", "runId", "metric");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_testbedId_fkey" FOREIGN KEY ("testbedId") REFERENCES "Testbed"("id") ON DELETE SET NULL ON UPDATE CASCADE;

