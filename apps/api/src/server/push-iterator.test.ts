import { describe, expect, it } from "vitest";
import { pushIterator } from "../services/events.js";

describe("pushIterator", () => {
  it("delivers pushed values in order, those pushed before end() too, then ends and cleans up once", async () => {
    let cleaned = 0;
    const stream = pushIterator<number>(() => cleaned++);
    stream.push(1);
    stream.push(2);
    expect(await stream.iterator.next()).toEqual({ value: 1, done: false });
    expect(await stream.iterator.next()).toEqual({ value: 2, done: false });
    const pending = stream.iterator.next();
    stream.push(3);
    expect(await pending).toEqual({ value: 3, done: false });
    stream.push(4);
    stream.end();
    stream.end();
    stream.push(5);
    expect(await stream.iterator.next()).toEqual({ value: 4, done: false });
    expect(await stream.iterator.next()).toEqual({ value: undefined, done: true });
    expect(cleaned).toBe(1);
  });

  it("ends a waiting consumer when it returns (a client unsubscribing) and cleans up once", async () => {
    let cleaned = 0;
    const stream = pushIterator<number>(() => cleaned++);
    const waiting = stream.iterator.next();
    await stream.iterator.return?.();
    expect(await waiting).toEqual({ value: undefined, done: true });
    stream.end();
    expect(cleaned).toBe(1);
  });
});
