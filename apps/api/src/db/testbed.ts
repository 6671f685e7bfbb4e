import { createHash, randomUUID } from "node:crypto";
import type { Environment } from "@threadbench/core";
import { type Database, Prisma, type TransactionClient } from "./client.js";
import { asBoolean, asDate, asString, queryRows } from "./sql-rows.js";

/** The fields of an environment that identify a machine + runtime: a testbed's columns. */
export const testbedFields = [
  "hostname",
  "os",
  "osRelease",
  "arch",
  "cpuModel",
  "logicalCores",
  "memoryBytes",
  "runtime",
  "runtimeVersion",
  "v8Version",
  "gilEnabled",
  "freeThreadedBuild",
] as const satisfies readonly (keyof Environment)[];
type TestbedField = (typeof testbedFields)[number];

/**
 * The testbed part of an environment (the fields are documented on Environment); a
 * harness's file may lack the OS release and the V8 version.
 */
export interface TestbedInput extends Omit<Pick<Environment, TestbedField>, "osRelease" | "v8Version"> {
  osRelease?: string | null;
  v8Version?: string | null;
}

/** A stored testbed: every testbed field of an environment (null where unknown), its fingerprint and id. */
export interface StoredTestbed extends Required<Pick<Environment, TestbedField>> {
  id: string;
  fingerprint: string;
  createdAt: Date;
}

/**
 * One spelling per architecture, whatever reported it: Node says x64/arm64, Python and
 * uname say x86_64/aarch64, Go says amd64. Without this one machine is two testbeds.
 */
export function normalizeArch(arch: string): string {
  const value = arch.trim().toLowerCase();
  switch (value) {
    case "x86_64":
    case "amd64":
    case "x86-64":
    case "x64":
      return "x64";
    case "aarch64":
    case "arm64":
      return "arm64";
    case "i386":
    case "i686":
    case "x86":
    case "ia32":
      return "ia32";
    default:
      return value;
  }
}

/** One spelling per OS family: Node's process.platform names (linux, darwin, win32). */
export function normalizeOs(os: string): string {
  const value = os.trim().toLowerCase();
  if (value === "macos" || value === "mac os x" || value === "osx") return "darwin";
  if (value === "windows" || value === "win64" || value === "nt") return "win32";
  return value;
}

const gibibyte = 1024 ** 3;

/**
 * A stable fingerprint of a machine and runtime: sha256 over hostname, OS, arch, CPU
 * model, logical cores, memory rounded to whole GiB (the kernel reports slightly
 * different totals from boot to boot) and runtime name + version. The OS release and
 * V8 version are left out: a kernel update is still the same testbed, and V8 follows the
 * runtime version.
 */
export function testbedFingerprint(testbed: TestbedInput): string {
  const parts = [
    testbed.hostname.trim().toLowerCase(),
    normalizeOs(testbed.os),
    normalizeArch(testbed.arch),
    testbed.cpuModel.replace(/\s+/g, " ").trim(),
    String(testbed.logicalCores),
    String(Math.round(testbed.memoryBytes / gibibyte)),
    testbed.runtime.trim().toLowerCase(),
    testbed.runtimeVersion.trim(),
  ];
  // Added later: only present when known, so fingerprints of older testbeds stay put.
  if (testbed.gilEnabled != null || testbed.freeThreadedBuild != null) {
    parts.push(`gil=${testbed.gilEnabled ?? "?"}`, `freethreaded=${testbed.freeThreadedBuild ?? "?"}`);
  }
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/** The testbed fields of a runner environment. */
export function testbedFromEnvironment(environment: Environment): TestbedInput {
  return {
    hostname: environment.hostname,
    os: environment.os,
    osRelease: environment.osRelease,
    arch: environment.arch,
    cpuModel: environment.cpuModel,
    logicalCores: environment.logicalCores,
    memoryBytes: environment.memoryBytes,
    runtime: environment.runtime,
    runtimeVersion: environment.runtimeVersion,
    v8Version: environment.v8Version || null,
    // CPython's GIL state and build: part of the fingerprint, so a GIL and a
    // free-threaded build of one version are two testbeds (and two series).
    gilEnabled: environment.gilEnabled ?? null,
    freeThreadedBuild: environment.freeThreadedBuild ?? null,
  };
}

/**
 * The id of the testbed with this fingerprint, inserting it if new. An INSERT ... ON
 * CONFLICT DO NOTHING rather than read-then-insert, so two processes storing runs from
 * the same machine at once cannot both insert (or fail).
 */
export async function ensureTestbed(
  tx: TransactionClient,
  testbed: TestbedInput,
  now = new Date(),
): Promise<{ id: string; fingerprint: string }> {
  const fingerprint = testbedFingerprint(testbed);
  await tx.$executeRaw`INSERT INTO "Testbed" ("id", "fingerprint", "hostname", "os", "osRelease", "arch", "cpuModel", "logicalCores", "memoryBytes", "runtime", "runtimeVersion", "v8Version", "gilEnabled", "freeThreadedBuild", "createdAt")
    VALUES (${randomUUID()}, ${fingerprint}, ${testbed.hostname}, ${normalizeOs(testbed.os)}, ${testbed.osRelease ?? ""}, ${normalizeArch(testbed.arch)}, ${testbed.cpuModel}, ${testbed.logicalCores}, ${BigInt(Math.round(testbed.memoryBytes))}, ${testbed.runtime}, ${testbed.runtimeVersion}, ${testbed.v8Version ?? null}, ${testbed.gilEnabled ?? null}, ${testbed.freeThreadedBuild ?? null}, ${now})
    ON CONFLICT ("fingerprint") DO NOTHING`;
  const row = await tx.testbed.findUniqueOrThrow({ where: { fingerprint }, select: { id: true } });
  return { id: row.id, fingerprint };
}

type TestbedRow = Prisma.TestbedGetPayload<object>;

/** A Prisma testbed row as plain data (memory as a number). */
export function toStoredTestbed(row: TestbedRow): StoredTestbed {
  return { ...row, memoryBytes: Number(row.memoryBytes) };
}

/**
 * A raw Testbed row as a StoredTestbed (raw results keep each driver's types). `prefix`
 * reads the columns of a join that aliased them (run-list reads `t."os" AS "testbed_os"`).
 */
export function testbedOfRow(row: Record<string, unknown>, prefix = ""): StoredTestbed {
  const column = (name: string) => row[`${prefix}${name}`];
  return {
    id: String(column("id")),
    fingerprint: String(column("fingerprint")),
    hostname: String(column("hostname")),
    os: String(column("os")),
    osRelease: String(column("osRelease")),
    arch: String(column("arch")),
    cpuModel: String(column("cpuModel")),
    logicalCores: Number(column("logicalCores")),
    memoryBytes: Number(column("memoryBytes")),
    runtime: String(column("runtime")),
    runtimeVersion: String(column("runtimeVersion")),
    v8Version: asString(column("v8Version")),
    gilEnabled: asBoolean(column("gilEnabled")),
    freeThreadedBuild: asBoolean(column("freeThreadedBuild")),
    createdAt: asDate(column("createdAt")) as Date,
  };
}

const testbedColumns = Prisma.raw(
  ["id", "fingerprint", ...testbedFields, "createdAt"].map((column) => `"${column}"`).join(", "),
);

/**
 * Testbeds by hostname, then age; only these ids or this machine's when given (missing
 * ids left out). Hand-written SQL (see queryRows): every dashboard page reads testbeds
 * (filters, series and run rows), and Prisma's findMany took ~5 ms for four rows.
 */
export async function listTestbeds(
  database: Database,
  filter: { ids?: readonly string[]; hostname?: string } = {},
): Promise<StoredTestbed[]> {
  if (filter.ids !== undefined && filter.ids.length === 0) return [];
  const conditions: Prisma.Sql[] = [];
  if (filter.ids !== undefined) conditions.push(Prisma.sql`"id" IN (${Prisma.join([...filter.ids])})`);
  if (filter.hostname !== undefined) conditions.push(Prisma.sql`"hostname" = ${filter.hostname}`);
  const where = conditions.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
  const rows = await queryRows(
    database,
    Prisma.sql`SELECT ${testbedColumns} FROM "Testbed" ${where} ORDER BY "hostname" ASC, "createdAt" ASC`,
  );
  return rows.map((row) => testbedOfRow(row));
}
