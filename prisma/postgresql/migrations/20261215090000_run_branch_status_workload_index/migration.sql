-- The branch review (GraphQL branchReview, `threadbench check`): the workloads with a
-- succeeded run on a branch and each one's latest such run, read from this index alone
-- (at 100,000 runs the (branch, createdAt) index made SQLite read ~20,000 table rows
-- per branch for the workload list and again for each workload's count). Additive.
CREATE INDEX "Run_branch_status_workloadId_createdAt_id_idx" ON "Run"("branch", "status", "workloadId", "createdAt" DESC, "id" DESC);
