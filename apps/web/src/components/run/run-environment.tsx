import { formatBytes } from "../../lib/format";
import { RuntimeLabel } from "../names";
import { NotInApi } from "../ui";
import type { RunDetail } from "./run-data";

/** The machine and runtime the run measured (its testbed). */
export function RunEnvironment({ run, active }: { run: RunDetail; active: boolean }) {
  const testbed = run.testbed;
  return (
    <section className="panel" aria-labelledby="env-heading">
      <h2 id="env-heading">Environment</h2>
      {testbed ? (
        <dl className="facts">
          <dt>Host</dt>
          <dd>{testbed.hostname}</dd>
          <dt>CPU</dt>
          <dd>
            {testbed.cpuModel} · {testbed.logicalCores} logical cores
          </dd>
          <dt>Memory</dt>
          <dd>{formatBytes(testbed.memoryBytes)}</dd>
          <dt>OS</dt>
          <dd>
            {testbed.os} {testbed.osRelease} ({testbed.arch})
          </dd>
          <dt>Runtime</dt>
          <dd>
            <RuntimeLabel testbed={testbed} />
            {testbed.v8Version ? ` · V8 ${testbed.v8Version}` : ""}
          </dd>
          <dt>Testbed</dt>
          <dd className="mono small">{testbed.fingerprint.slice(0, 16)}</dd>
        </dl>
      ) : (
        <p className="muted">
          {active ? "Captured when the run starts." : "No environment was recorded for this run."}
        </p>
      )}
      {testbed && run.threads.some((threads) => threads > testbed.logicalCores) ? (
        <NotInApi>
          Some thread counts exceed the {testbed.logicalCores} logical cores of this machine: beyond that,
          threads share cores and speedup cannot grow.
        </NotInApi>
      ) : null}
    </section>
  );
}
