/**
 * What the Machines page reads: every agent with its testbed, labels, state, current
 * run and queue, and the queued runs with why each still waits.
 */
import { graphql } from "../../generated/gql";

export const MachinesQuery = graphql(`
  query Machines {
    agentSettings {
      leaseSeconds
      heartbeatIntervalMs
      maxQueuedRuns
      maxQueuedRunsPerTarget
    }
    agents {
      id
      name
      labels
      version
      tokenName
      online
      lastSeenAt
      disconnectedAt
      createdAt
      testbed {
        id
        hostname
        cpuModel
        logicalCores
        memoryBytes
        os
        arch
        runtimeLabel
      }
      currentRun {
        id
        workloadId
        startedAt
        progress {
          fraction
          cellsDone
          cellsTotal
        }
      }
      queue {
        id
      }
    }
    queue {
      queued {
        id
        workloadId
        createdAt
        queuePosition
        requestedBy
        waitingReason
        target {
          description
        }
      }
    }
  }
`);
