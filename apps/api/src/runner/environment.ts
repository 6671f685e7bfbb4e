import os from "node:os";
import type { Environment } from "@threadbench/core";

/** The machine and runtime this process runs on. */
export function collectEnvironment(): Environment {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    os: os.platform(),
    osRelease: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() || "unknown",
    logicalCores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    runtime: "node",
    runtimeVersion: process.versions.node,
    v8Version: process.versions.v8,
  };
}
