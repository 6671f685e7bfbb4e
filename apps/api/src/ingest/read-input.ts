import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import type { InputFile } from "@threadbench/adapters";
import { UserInputError } from "../errors.js";

/** Largest input read (a file, standard input, a directory's JSON files together). */
export const maxInputBytes = 256 * 1024 * 1024;
/** Most files read from a directory (Criterion writes a handful per benchmark). */
const maxDirectoryFiles = 100_000;

/**
 * A harness file's bytes as text: gunzipped when gzip-compressed (pyperf writes
 * `.json.gz`), decoded as UTF-8 (invalid UTF-8 is an error naming `what`), without a
 * byte-order mark (editors on Windows add one; JSON.parse refuses it).
 */
export function decodeHarnessBytes(bytes: Uint8Array, what: string): string {
  let data = bytes;
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data, { maxOutputLength: maxInputBytes });
    } catch (error) {
      throw new UserInputError([
        { path: what, message: `looks gzip-compressed but cannot be decompressed: ${errorText(error)}` },
      ]);
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw new UserInputError([
      { path: what, message: "is not UTF-8 text (expected a harness's JSON or text output)" },
    ]);
  }
  return text.replace(/^\uFEFF/, "");
}

/**
 * What `threadbench ingest PATH` reads: a file's text, or the JSON files of a directory
 * (Criterion's target/criterion). Errors name the path and what went wrong.
 */
export async function readHarnessPath(path: string): Promise<{ text: string } | { files: InputFile[] }> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new UserInputError([{ path: "FILE", message: `cannot read ${path}: ${errorCode(error)}` }]);
  }
  if (!info.isDirectory()) {
    if (info.size > maxInputBytes) {
      throw new UserInputError([
        { path: "FILE", message: `${path} is ${info.size} bytes (at most ${maxInputBytes} are read)` },
      ]);
    }
    try {
      return { text: decodeHarnessBytes(await readFile(path), path) };
    } catch (error) {
      if (error instanceof UserInputError) throw error;
      throw new UserInputError([{ path: "FILE", message: `cannot read ${path}: ${errorCode(error)}` }]);
    }
  }
  const files: InputFile[] = [];
  let total = 0;
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile() && entry.name.endsWith(".json")) {
        const bytes = await readFile(full);
        total += bytes.length;
        if (files.length >= maxDirectoryFiles || total > maxInputBytes) {
          throw new UserInputError([
            {
              path: "FILE",
              message: `${path} holds more than ${maxDirectoryFiles} files or ${maxInputBytes} bytes of JSON`,
            },
          ]);
        }
        files.push({
          path: relative(path, full).split("\\").join("/"),
          text: decodeHarnessBytes(bytes, full),
        });
      }
    }
  };
  try {
    await walk(path);
  } catch (error) {
    if (error instanceof UserInputError) throw error;
    throw new UserInputError([{ path: "FILE", message: `cannot read ${path}: ${errorCode(error)}` }]);
  }
  return { files };
}

/** Standard input, whole (`go test -bench . | threadbench ingest -`). */
export async function readStream(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxInputBytes) {
      throw new UserInputError([
        { path: "-", message: `standard input is larger than ${maxInputBytes} bytes` },
      ]);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? errorText(error);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
