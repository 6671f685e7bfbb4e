-- The agent process that registered last (see Agent.sessionId in schema.prisma).
ALTER TABLE "Agent" ADD COLUMN "sessionId" TEXT;
