-- What executes a run's tasks: null for node, else the requested Python interpreter
-- (see Run.runtime in schema.prisma). Additive: existing runs are node runs.
ALTER TABLE "Run" ADD COLUMN "runtime" TEXT;
