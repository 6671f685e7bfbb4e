import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { labelsRule } from "../db/input-bounds.js";
import { fieldIssues, UserInputError } from "../errors.js";
import { defaultExport, importUserModule } from "../runner/module-import.js";
import { maxProjectNameLength } from "./project-name.js";

/** The names `threadbench run` looks for, in this order, in each directory. */
export const projectFileNames = [
  "threadbench.config.ts",
  "threadbench.config.mts",
  "threadbench.config.js",
  "threadbench.config.mjs",
  "threadbench.config.json",
] as const;

/** At most this many plans in one suite: a suite is a CI job, not a data set. */
export const maxSuitePlans = 100;

/**
 * A project file that cannot be used: the message starts with the file and names the
 * field (`plans.1.threads`) and what is allowed.
 */
export class ProjectFileError extends UserInputError {
  constructor(file: string, issues: Array<{ path: string; message: string }>, options?: { cause?: unknown }) {
    const message = `${file}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`;
    super(
      issues.map((issue) => ({ path: issue.path, message: issue.message })),
      message,
    );
    this.name = "ProjectFileError";
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const printable = /^[^\u0000-\u001f\u007f]+$/;

const projectName = z
  .string({ error: "expected a string" })
  .trim()
  .min(1, "must not be empty")
  .max(maxProjectNameLength, `at most ${maxProjectNameLength} characters`)
  .regex(printable, "no control characters");

/**
 * One plan as written in the file. The run fields are checked again, with their bounds,
 * by parseRunPlan (path `plans.N.field`); this schema checks shapes and unknown keys.
 */
const projectPlanSchema = z
  .object({
    name: z.string().trim().min(1).max(100).regex(printable, "no control characters").optional(),
    workload: z.string({ error: "expected a module path or a built-in workload id" }).trim().min(1),
    params: z.record(z.string(), z.unknown()).optional(),
    modes: z.array(z.string()).optional(),
    threads: z.array(z.number()).optional(),
    repetitions: z.number().optional(),
    warmups: z.number().optional(),
    scaling: z.string().optional(),
    taskTimeoutMs: z.number().optional(),
    maxHeapMb: z.number().optional(),
    labels: labelsRule.optional(),
  })
  .strict();

const projectFileSchema = z
  .object({
    project: projectName.optional(),
    plans: z
      .array(projectPlanSchema)
      .min(1, "at least one plan")
      .max(maxSuitePlans, `at most ${maxSuitePlans} plans`),
  })
  .strict();

export type ProjectFilePlan = z.output<typeof projectPlanSchema> & { name: string };

/** A loaded, checked project file. */
export interface ProjectFile {
  /** Absolute path of the file. */
  file: string;
  /** Its directory: the project root (module paths, ids and stored paths are relative to it). */
  root: string;
  /** The name given in the file; undefined: derive it (git remote, else "default"). */
  project: string | undefined;
  /** Plans in file order, each with a unique name. */
  plans: ProjectFilePlan[];
}

/** The nearest project file in `directory` or a directory above it, or null. */
export async function findProjectFile(directory: string): Promise<string | null> {
  let current = path.resolve(directory);
  for (;;) {
    for (const name of projectFileNames) {
      const candidate = path.join(current, name);
      const found = await stat(candidate).catch(() => null);
      if (found?.isFile()) return candidate;
    }
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/** What a file holds: JSON parsed, or the default export of a module (TypeScript or JavaScript). */
async function readProjectValue(file: string, shownAs: string): Promise<unknown> {
  if (file.endsWith(".json")) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new ProjectFileError(shownAs, [{ path: "(file)", message: `cannot be read: ${String(error)}` }]);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ProjectFileError(shownAs, [
        { path: "(file)", message: `is not valid JSON: ${(error as Error).message}` },
      ]);
    }
  }
  let namespace: Record<string, unknown>;
  try {
    ({ namespace } = await importUserModule(file));
  } catch (error) {
    throw new ProjectFileError(
      shownAs,
      [
        {
          path: "(file)",
          message: `threw while loading: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
      { cause: error },
    );
  }
  const exported = defaultExport(namespace);
  if (!exported.found) {
    throw new ProjectFileError(shownAs, [
      {
        path: "(file)",
        message:
          'has no default export (expected export default defineProject({ plans: [...] }) from "@threadbench/workloads")',
      },
    ]);
  }
  return exported.value;
}

/**
 * Loads and checks a project file. Plan names default to the workload as written and
 * must be unique. Run fields (threads, modes, bounds) are checked later, with the
 * same messages as flags, when each plan is parsed.
 */
export async function loadProjectFile(file: string, cwd: string): Promise<ProjectFile> {
  const absolute = path.resolve(cwd, file);
  const shownAs = path.relative(cwd, absolute) || absolute;
  const found = await stat(absolute).catch(() => null);
  if (!found?.isFile()) {
    throw new ProjectFileError(shownAs, [{ path: "(file)", message: `not found (looked for ${absolute})` }]);
  }
  const parsed = projectFileSchema.safeParse(await readProjectValue(absolute, shownAs));
  if (!parsed.success) throw new ProjectFileError(shownAs, fieldIssues(parsed.error.issues));
  const seen = new Map<string, number>();
  const plans = parsed.data.plans.map((plan, index) => {
    const name = plan.name ?? plan.workload;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new ProjectFileError(shownAs, [
        {
          path: `plans.${index}.name`,
          message: `"${name}" is also the name of plans.${earlier}; give each plan a unique name`,
        },
      ]);
    }
    seen.set(name, index);
    return { ...plan, name };
  });
  return { file: absolute, root: path.dirname(absolute), project: parsed.data.project, plans };
}
