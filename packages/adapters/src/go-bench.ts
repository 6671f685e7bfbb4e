import { type BenchmarkEntry, groupEntries } from "./group.js";
import { decomposeName } from "./names.js";
import { type AdaptedTestbed, type Adapter, AdapterError, type HarnessInput } from "./types.js";
import { isObject } from "./validate.js";

const resultLine = /^(Benchmark\S*)\s+(\d+)\s+(.+)$/;
const configLine = /^([a-z][a-z0-9-]*):\s*(.*)$/;
const failLine = /^--- FAIL: (Benchmark\S*)/;

/** One event of `go test -json` (cmd/test2json). */
interface TestEvent {
  Time?: string;
  Action: string;
  Package?: string;
  Output?: string;
}

/**
 * `go test -bench` output, as text or as `go test -json` events (the benchmark lines are
 * in the "output" events, sometimes split across two). Every result line is a sample:
 * ns/op of one benchmark run of b.N iterations (-count N gives N samples); B/op,
 * allocs/op, MB/s and custom metrics are kept in the details. The -N suffix is GOMAXPROCS
 * (-cpu 1,2,4), the harness's own thread count: ns/op is time per operation at a fixed
 * amount of work, so the 1-CPU cell is the baseline as is (strong scaling). Sub-benchmark
 * names give parameters ("n=5000000/goroutines=2"). A benchmark that failed
 * ("--- FAIL: BenchmarkX") is a failed cell with its log as the error.
 */
export const goBenchAdapter: Adapter = {
  name: "go-bench",
  reads: "go test -bench output (text, or go test -json)",
  detect(input: HarnessInput): boolean {
    if (input.json !== undefined) return false;
    const jsonEvents = firstJsonEvent(input.text);
    if (jsonEvents) return true;
    return input.text
      .split("\n", 2000)
      .some((line) => resultLine.test(line.trimEnd()) && /ns\/op/.test(line));
  },
  parse(input, options) {
    const events = firstJsonEvent(input.text) ? parseEvents(input.text) : null;
    const packages: Array<{ text: string; firstTime?: string; lastTime?: string }> = [];
    if (events) {
      const byPackage = new Map<string, { text: string; firstTime?: string; lastTime?: string }>();
      for (const event of events) {
        const key = event.Package ?? "";
        let entry = byPackage.get(key);
        if (!entry) {
          entry = { text: key ? `pkg: ${key}\n` : "" };
          byPackage.set(key, entry);
          packages.push(entry);
        }
        if (event.Time) {
          entry.firstTime ??= event.Time;
          entry.lastTime = event.Time;
        }
        if (event.Action === "output" && event.Output) entry.text += event.Output;
      }
    } else {
      packages.push({ text: input.text });
    }
    const entries: BenchmarkEntry[] = [];
    const testbed: AdaptedTestbed = { runtime: "go" };
    const issues: { path: string; message: string }[] = [];
    for (const [packageIndex, block] of packages.entries()) {
      parseText(block.text, {
        entries,
        testbed,
        issues,
        at: events ? `package ${packageIndex + 1}, line` : "line",
      });
    }
    if (issues.length > 0) throw new AdapterError("go-bench", issues);
    if (entries.length === 0) {
      throw new AdapterError("go-bench", [
        {
          path: "(input)",
          message:
            'no benchmark results (expected lines like "BenchmarkName-8   1000   1234 ns/op"; did go test run with -bench?)',
        },
      ]);
    }
    const times = packages.flatMap((block) => [block.firstTime, block.lastTime]).filter(Boolean) as string[];
    const sorted = [...times].sort();
    return {
      kind: "runs",
      adapter: "go-bench",
      runs: groupEntries("go-bench", entries, options, { repetitions: true }).map((run) => ({
        ...run,
        testbed,
        ...(sorted[0] ? { startedAt: sorted[0] } : {}),
        ...(sorted.at(-1) ? { finishedAt: sorted.at(-1) as string } : {}),
        details: {
          harness: "go-bench",
          format: events ? "go test -json" : "go test -bench text",
          sample: "ns/op of one benchmark run (b.N iterations), as milliseconds per operation",
        },
      })),
    };
  },
};

function parseText(
  text: string,
  into: {
    entries: BenchmarkEntry[];
    testbed: AdaptedTestbed;
    issues: { path: string; message: string }[];
    at: string;
  },
): void {
  let pkg = "";
  let failure: BenchmarkEntry | null = null;
  // In -json and -v output the bare name of a running benchmark precedes its log lines.
  let running: { name: string; log: string[] } | null = null;
  const lines = text.split("\n");
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.replace(/\r$/, "");
    if (/^\s+\S/.test(line)) {
      if (failure) failure.error = `${failure.error ? `${failure.error}\n` : ""}${line.trim()}`;
      else running?.log.push(line.trim());
      continue;
    }
    failure = null;
    const trimmed = line.trimEnd();
    if (index === lines.length - 1 && trimmed.startsWith("Benchmark")) {
      // go test ends every line: a last result line without its newline was cut (a killed
      // job, a truncated log), and its figures may be too ("1486232" of "14862320 ns/op").
      into.issues.push({
        path: `${into.at} ${index + 1}`,
        message: "the input ends inside this result line (no newline after it): the output looks truncated",
      });
      continue;
    }
    const result = resultLine.exec(trimmed);
    if (result) {
      running = null;
      const [, fullName, iterationsText, rest] = result as unknown as [string, string, string, string];
      const iterations = Number(iterationsText);
      if (!Number.isSafeInteger(iterations) || iterations < 1) {
        into.issues.push({
          path: `${into.at} ${index + 1}`,
          message: `expected the iterations (b.N, an integer >= 1) after the name, got ${iterationsText}`,
        });
        continue;
      }
      const metrics = new Map<string, number>();
      const fields = rest.trim().split(/\s+/);
      for (let field = 0; field + 1 < fields.length; field += 2) {
        metrics.set(fields[field + 1] as string, Number(fields[field]));
      }
      const nsPerOp = metrics.get("ns/op");
      if (nsPerOp === undefined || !Number.isFinite(nsPerOp) || nsPerOp <= 0) {
        into.issues.push({
          path: `${into.at} ${index + 1}`,
          message: `expected "<value> ns/op" (a time > 0) after the iterations, got "${rest.trim()}"`,
        });
        continue;
      }
      metrics.delete("ns/op");
      into.entries.push(
        goEntry(pkg, fullName, `${into.at} ${index + 1}`, {
          samples: [{ wallMs: nsPerOp / 1e6, iterations, at: `${into.at} ${index + 1}` }],
          status: "succeeded",
          details:
            metrics.size > 0
              ? { metrics: Object.fromEntries([...metrics].map(([unit, value]) => [unit, [value]])) }
              : {},
        }),
      );
      continue;
    }
    const failed = failLine.exec(trimmed);
    if (failed) {
      const name = failed[1] as string;
      const log = running?.name === name ? running.log : [];
      failure = goEntry(pkg, name, `${into.at} ${index + 1}`, {
        samples: [],
        status: "failed",
        error: log.join("\n") || null,
      });
      into.entries.push(failure);
      running = null;
      continue;
    }
    if (/^Benchmark\S*$/.test(trimmed)) {
      running = { name: trimmed, log: [] };
      continue;
    }
    const config = configLine.exec(trimmed);
    if (config) {
      const [, key, value] = config as unknown as [string, string, string];
      if (key === "pkg") pkg = value;
      else if (key === "goos") into.testbed.os = value;
      else if (key === "goarch") into.testbed.arch = value;
      else if (key === "cpu") into.testbed.cpuModel = value;
    }
  }
}

function goEntry(
  pkg: string,
  fullName: string,
  at: string,
  result: Pick<BenchmarkEntry, "samples" | "status" | "error" | "details">,
): BenchmarkEntry {
  // "BenchmarkX/sub-4": the trailing -N is GOMAXPROCS (absent when it is 1), as in
  // golang.org/x/perf/benchfmt.
  const suffix = /^(.*)-(\d+)$/.exec(fullName);
  const name = suffix ? (suffix[1] as string) : fullName;
  const procs = suffix ? Number(suffix[2]) : 1;
  const { workload, params } = decomposeName(name);
  return {
    name: fullName,
    at,
    workload: pkg ? `${pkg}.${workload}` : workload,
    params,
    harnessThreads: { value: procs, param: "gomaxprocs" },
    ...result,
  };
}

function firstJsonEvent(text: string): boolean {
  const start = text.search(/\S/);
  if (start === -1 || text[start] !== "{") return false;
  const end = text.indexOf("\n", start);
  try {
    const event = JSON.parse(text.slice(start, end === -1 ? undefined : end)) as unknown;
    return isObject(event) && typeof event.Action === "string";
  } catch {
    return false;
  }
}

/** Lines of `go test -json`; lines that are not events (build output mixed in) are skipped. */
function parseEvents(text: string): TestEvent[] {
  const events: TestEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const event = JSON.parse(line) as unknown;
      if (isObject(event) && typeof event.Action === "string") events.push(event as unknown as TestEvent);
    } catch {
      // Not an event: go test mixes in plain lines when a package fails to build.
    }
  }
  return events;
}
