/**
 * Read operations the server components run. Typed by graphql-codegen from
 * packages/schema/schema.graphql (`npm run generate`).
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
    commitMessage
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
      runtimeLabel
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
    seriesMetric
    size
    sizeLow
    sizeHigh
    beforeValue
    afterValue
    confidence
    pValue
    status
    statusChangedBy
    statusChangedAt
    note
    createdAt
    testbed {
      hostname
      runtimeLabel
    }
    run {
      commitSha
      createdAt
      seeded
    }
  }
`);

export const OverviewQuery = graphql(`
  query Overview($metric: RegressionMetric) {
    openRegressions: regressions(filter: { status: [OPEN], kind: REGRESSION, metric: $metric }, first: 20) {
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
    # What the latest runs measured: a team's daily review starts there, not at "a".
    trackedSeries: seriesPage(first: 24, recentPoints: 60, orderBy: RECENT) {
      totalCount
      nodes {
        ...SeriesSummaryFields
      }
    }
  }
`);

export const SeriesSummaryFields = graphql(`
  fragment SeriesSummaryFields on SeriesSummary {
    recent
    latestValue
    latestAt
    change
    openRegressions
    series {
      key
      workloadId
      params
      mode
      threads
      scaling
      branch
      project
      harness
      testbed {
        id
        hostname
        runtimeLabel
      }
    }
  }
`);

export const SeriesExplorerQuery = graphql(`
  query SeriesExplorer(
    $filter: SeriesFilter
    $orderBy: SeriesOrder
    $metric: SeriesMetric
    $first: Int
    $offset: Int
  ) {
    seriesPage(filter: $filter, orderBy: $orderBy, metric: $metric, first: $first, offset: $offset, recentPoints: 40) {
      totalCount
      offset
      nodes {
        ...SeriesSummaryFields
      }
    }
    seriesFacets {
      ...SeriesFacetsFields
    }
  }
`);

export const SeriesFacetsFields = graphql(`
  fragment SeriesFacetsFields on SeriesFacets {
    workloads
    modes
    threads
    branches
    projects
    harnesses
    testbeds {
      id
      hostname
      runtime
      runtimeVersion
      runtimeLabel
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
      edges {
        cursor
        node {
          ...RunRowFields
        }
      }
    }
    testbeds {
      id
      hostname
      cpuModel
      runtime
      runtimeVersion
      runtimeLabel
    }
    workloads {
      id
      title
    }
    seriesFacets {
      modes
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
    taskOverheadMs
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
      agent {
        id
        name
        online
      }
      target {
        description
      }
      waitingReason
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
        runtimeLabel
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

export const SeriesAboutQuery = graphql(`
  query SeriesAbout($key: ID!) {
    # maxPoints 3: the API's cost limit multiplies every field under series() by it. Only
    # series is selected, so the API reads no points for this.
    about: series(key: $key, maxPoints: 3) {
      series {
        muted
        mutedReason
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
        project
        harness
        testbed {
          id
          hostname
          cpuModel
          logicalCores
          runtime
          runtimeVersion
          runtimeLabel
        }
      }
    }
  }
`);

/** The series page's chart, streamed after its heading: the points and the change points. */
export const SeriesChartQuery = graphql(`
  query SeriesChart($key: ID!, $metric: SeriesMetric, $from: DateTime, $to: DateTime, $maxPoints: Int) {
    changes: series(key: $key, maxPoints: 3) {
      series {
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
        workloadHash
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

/** What the new-run form offers: the runtimes this server lets a plan name (THREADBENCH_PYTHON). */
export const NewRunRuntimesQuery = graphql(`
  query NewRunRuntimes {
    runtimes {
      name
      kind
      modes
      workloads
    }
  }
`);

export const BranchReviewQuery = graphql(`
  query BranchReview($branch: String!, $base: String!, $workload: String) {
    branchReview(branch: $branch, base: $base, workload: $workload) {
      branch
      base
      regressed
      checks {
        workloadId
        verdict
        warnings
        head {
          ...RunRowFields
        }
        base {
          ...RunRowFields
        }
        reasons {
          kind
          mode
          threads
          relativeChange
          relativeChangeLow
          relativeChangeHigh
          baseMedianMs
          headMedianMs
          efficiencyBase
          efficiencyHead
          serialFractionBase
          serialFractionHead
        }
        cells {
          mode
          threads
          status
          verdict
          baseMedianMs
          headMedianMs
          relativeChange
          relativeChangeLow
          relativeChangeHigh
          confidence
          pValue
          baseSampleCount
          headSampleCount
        }
        gate {
          statistic
          baseRuns
          history
          fewRuns
          cells {
            mode
            threads
            metric
            verdict
            baseRuns
            model
            boundary
            center
            limit
            head
            change
            detectableChange
            pValue
          }
        }
      }
    }
  }
`);

export const ScalingRunFields = graphql(`
  fragment ScalingRunFields on Run {
    id
    workloadId
    params
    status
    commitSha
    branch
    createdAt
    seeded
    testbed {
      id
      hostname
      runtimeLabel
      logicalCores
    }
    measurements {
      mode
      threads
      status
      speedup
      efficiency
    }
  }
`);

export const LatestRunsPerRuntimeQuery = graphql(`
  query LatestRunsPerRuntime($workload: String!, $machine: String!, $branch: String) {
    latestRunsPerRuntime(workload: $workload, machine: $machine, branch: $branch) {
      ...ScalingRunFields
    }
    seriesFacets {
      ...SeriesFacetsFields
    }
  }
`);

export const RunsByIdsQuery = graphql(`
  query RunsByIds($ids: [ID!]!) {
    runsByIds(ids: $ids) {
      ...ScalingRunFields
    }
    seriesFacets {
      ...SeriesFacetsFields
    }
  }
`);

export const EfficiencyHistoryQuery = graphql(`
  query EfficiencyHistory($workload: String!, $testbedId: ID!, $mode: String!, $branch: String, $buckets: Int) {
    efficiencyHistory(workload: $workload, testbedId: $testbedId, mode: $mode, branch: $branch, buckets: $buckets) {
      mode
      branch
      params
      from
      to
      buckets
      rows {
        threads
        seriesKey
        cells {
          from
          to
          efficiency
          points
          lastRunId
        }
      }
    }
  }
`);

export const ExportRunsQuery = graphql(`
  query ExportRuns($filter: RunFilter, $orderBy: RunOrder, $first: Int, $after: String) {
    runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        workloadId
        params
        status
        source
        harness
        project
        commitSha
        commitMessage
        branch
        labels
        seeded
        createdAt
        startedAt
        finishedAt
        durationMs
        testbed {
          hostname
          runtimeLabel
        }
      }
    }
  }
`);

export const ExportSeriesQuery = graphql(`
  query ExportSeries($key: ID!, $metric: SeriesMetric, $from: DateTime, $to: DateTime) {
    about: series(key: $key, maxPoints: 3) {
      totalPoints
      series {
        key
        workloadId
        params
        mode
        threads
        branch
        testbed {
          hostname
          runtimeLabel
        }
      }
    }
    history: series(key: $key, metric: $metric, from: $from, to: $to, maxPoints: 5000) {
      metric
      totalPoints
      downsampled
      points {
        runId
        measurementId
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

/** The scaling page before a choice: it opens on the newest succeeded run's workload and machine. */
export const ScalingStartQuery = graphql(`
  query ScalingStart {
    newest: runs(first: 1, filter: { status: [SUCCEEDED] }) {
      nodes {
        workloadId
        testbed {
          hostname
        }
      }
    }
    seriesFacets {
      ...SeriesFacetsFields
    }
  }
`);

export const BranchesQuery = graphql(`
  query Branches {
    branches(first: 500) {
      totalCount
      nodes {
        name
        seriesCount
        latestRun {
          id
          workloadId
          params
          status
          commitSha
          commitMessage
          labels
          seeded
          createdAt
          testbed {
            hostname
            runtimeLabel
          }
        }
      }
    }
  }
`);
