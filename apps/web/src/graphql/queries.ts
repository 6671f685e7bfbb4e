/**
 * Read operations the server components run. Typed by graphql-codegen from
 * apps/api/schema.graphql (`npm run generate`).
 */
import { graphql } from "../generated/gql";

export const RunRowFields = graphql(`
  fragment RunRowFields on Run {
    id
    workloadId
    params
    modes
    threads
    repetitions
    scaling
    status
    error
    source
    commitSha
    branch
    labels
    seeded
    createdAt
    startedAt
    finishedAt
    durationMs
    queuePosition
    testbed {
      id
      hostname
      cpuModel
      logicalCores
      runtime
      runtimeVersion
    }
  }
`);

export const RegressionFields = graphql(`
  fragment RegressionFields on Regression {
    id
    kind
    seriesKey
    workloadId
    params
    mode
    threads
    branch
    runId
    previousRunId
    metric
    size
    sizeLow
    sizeHigh
    baselineValue
    currentValue
    confidence
    pValue
    status
    statusChangedBy
    statusChangedAt
    note
    createdAt
    testbed {
      hostname
    }
    run {
      commitSha
      createdAt
      seeded
    }
  }
`);

export const OverviewQuery = graphql(`
  query Overview {
    openRegressions: regressions(filter: { status: [OPEN], kind: REGRESSION }, first: 20) {
      totalCount
      nodes {
        ...RegressionFields
      }
    }
    queue {
      running {
        ...RunRowFields
        progress {
          fraction
          cellsDone
          cellsTotal
          etaMs
        }
      }
      queued {
        ...RunRowFields
      }
    }
    runs(first: 10) {
      totalCount
      nodes {
        ...RunRowFields
      }
    }
    seriesList(first: 200) {
      key
      workloadId
      params
      mode
      threads
      scaling
      branch
      testbed {
        id
        hostname
      }
    }
  }
`);

export const SparklineQuery = graphql(`
  query Sparkline($key: ID!, $maxPoints: Int!) {
    series(key: $key, maxPoints: $maxPoints) {
      totalPoints
      points {
        value
        timestamp
      }
    }
  }
`);

export const RunsQuery = graphql(`
  query Runs($filter: RunFilter, $orderBy: RunOrder, $first: Int, $after: String) {
    runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...RunRowFields
      }
    }
    testbeds {
      id
      hostname
      cpuModel
      runtime
      runtimeVersion
    }
    workloads {
      id
      title
    }
  }
`);

export const MeasurementFields = graphql(`
  fragment MeasurementFields on Measurement {
    id
    seriesKey
    mode
    threads
    tasks
    status
    error
    sampleCount
    wall {
      min
      max
      median
      mean
      stddev
      cv
    }
    cpu {
      median
    }
    setupMs
    speedup
    efficiency
    checksum
    expectedChecksum
    checksumStatus
    sharedMemory {
      variant
      expected
      observed
      lostUpdates
    }
    samples {
      index
      wallMs
    }
  }
`);

export const RunQuery = graphql(`
  query Run($id: ID!) {
    run(id: $id) {
      ...RunRowFields
      warmups
      taskTimeoutMs
      maxHeapMb
      requestedBy
      environment
      workload {
        id
        title
        description
        unitName
      }
      testbed {
        id
        fingerprint
        hostname
        os
        osRelease
        arch
        cpuModel
        logicalCores
        memoryBytes
        runtime
        runtimeVersion
        v8Version
      }
      progress {
        runId
        status
        fraction
        cellsDone
        cellsTotal
        stepsDone
        stepsTotal
        elapsedMs
        etaMs
        currentCell {
          mode
          threads
        }
      }
      measurements {
        ...MeasurementFields
      }
      regressions {
        ...RegressionFields
      }
      scalingFits {
        mode
        maxThreads
        efficiencyAtMaxThreads
        amdahl {
          serialFraction
          serialFractionStdError
          rSquared
          peakSpeedup
        }
        usl {
          contention
          coherency
          rSquared
          peakThreads
          peakSpeedup
        }
      }
    }
  }
`);

export const SeriesHistoryQuery = graphql(`
  query SeriesHistory($key: ID!, $metric: SeriesMetric, $from: DateTime, $to: DateTime, $maxPoints: Int) {
    # The API's cost limit multiplies every field under series() by maxPoints, so the
    # description is fetched with the smallest maxPoints (3), the points on their own.
    about: series(key: $key, maxPoints: 3) {
      series {
        muted
        mutedReason
        changePoints(metric: $metric, last: 2000) {
          index
          runId
          timestamp
          commitSha
          beforeMedian
          afterMedian
          relativeStep
          relativeStepLow
          relativeStepHigh
          confidence
        }
        regressions {
          ...RegressionFields
        }
        key
        workloadId
        params
        mode
        threads
        scaling
        branch
        createdAt
        workload {
          title
          unitName
        }
        testbed {
          id
          hostname
          cpuModel
          logicalCores
          runtime
          runtimeVersion
        }
      }
    }
    history: series(key: $key, metric: $metric, from: $from, to: $to, maxPoints: $maxPoints) {
      metric
      totalPoints
      downsampled
      points {
        runId
        commitSha
        branch
        timestamp
        value
        low
        high
      }
    }
  }
`);

export const CompareQuery = graphql(`
  query Compare($base: ID!, $head: ID!) {
    compare(baseRunId: $base, headRunId: $head) {
      warnings
      verdicts {
        faster
        slower
        unchanged
        noisy
      }
      base {
        ...RunRowFields
      }
      head {
        ...RunRowFields
      }
      cells {
        mode
        threads
        baseMedianMs
        headMedianMs
        differenceMs
        relativeChange
        relativeChangeLow
        relativeChangeHigh
        confidence
        pValue
        verdict
        baseSpeedup
        headSpeedup
        base {
          sampleCount
          checksumStatus
          status
        }
        head {
          sampleCount
          checksumStatus
          status
        }
      }
    }
  }
`);

export const NewRunQuery = graphql(`
  query NewRun {
    workloads {
      id
      title
      description
      unitName
      requiresSharedMemory
      parameters {
        name
        type
        description
        default
        minimum
        maximum
        unit
        options
      }
    }
    planLimits {
      maxThreads
      maxThreadCounts
      maxRepetitions
      maxWarmups
      maxTotalTasks
    }
  }
`);
