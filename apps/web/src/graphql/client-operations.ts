/**
 * Operations the browser runs: writes (with the API token) and live progress.
 * Kept apart from the server's queries so client bundles carry only these strings.
 */
import { graphql } from "../generated/gql";

export const StartRunMutation = graphql(`
  mutation StartRun($plan: RunPlanInput!, $labels: [String!], $target: RunTargetInput) {
    startRun(plan: $plan, labels: $labels, target: $target) {
      id
      status
    }
  }
`);

export const CancelRunMutation = graphql(`
  mutation CancelRun($id: ID!) {
    cancelRun(id: $id) {
      id
      status
    }
  }
`);

export const RunProgressSubscription = graphql(`
  subscription RunProgress($id: ID!) {
    runProgress(id: $id) {
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
  }
`);

/** Polled when the WebSocket cannot be opened (proxies that drop upgrades). */
export const RunProgressPollQuery = graphql(`
  query RunProgressPoll($id: ID!) {
    run(id: $id) {
      id
      status
      error
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
    }
  }
`);

export const AcknowledgeRegressionMutation = graphql(`
  mutation AcknowledgeRegression($id: ID!, $note: String) {
    acknowledgeRegression(id: $id, note: $note) {
      id
      status
      statusChangedBy
      statusChangedAt
      note
    }
  }
`);

export const MarkFalseAlarmMutation = graphql(`
  mutation MarkFalseAlarm($id: ID!, $note: String) {
    markFalseAlarm(id: $id, note: $note) {
      id
      status
      statusChangedBy
      statusChangedAt
      note
    }
  }
`);

export const MarkRegressionFixedMutation = graphql(`
  mutation MarkRegressionFixed($id: ID!, $note: String) {
    markRegressionFixed(id: $id, note: $note) {
      id
      status
      statusChangedBy
      statusChangedAt
      note
    }
  }
`);

export const ReopenRegressionMutation = graphql(`
  mutation ReopenRegression($id: ID!, $note: String) {
    reopenRegression(id: $id, note: $note) {
      id
      status
      statusChangedBy
      statusChangedAt
      note
    }
  }
`);
