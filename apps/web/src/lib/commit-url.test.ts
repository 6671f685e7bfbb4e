import { describe, expect, it } from "vitest";
import { commitHref, parseCommitUrlTemplate } from "./commit-url";

describe("commit links", () => {
  it("fills the template with the full SHA", () => {
    const template = parseCommitUrlTemplate("https://github.com/acme/app/commit/{sha}");
    expect(commitHref(template, "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39")).toBe(
      "https://github.com/acme/app/commit/4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    );
  });
  it("ignores templates without {sha} or that are not http(s)", () => {
    expect(parseCommitUrlTemplate("https://github.com/acme/app/commit/")).toBeNull();
    expect(parseCommitUrlTemplate("javascript:alert({sha})")).toBeNull();
    expect(parseCommitUrlTemplate("")).toBeNull();
    expect(parseCommitUrlTemplate(undefined)).toBeNull();
  });
  it("links nothing without a template or with something that is not a SHA", () => {
    expect(commitHref(null, "abcdef1")).toBeNull();
    expect(commitHref("https://x/{sha}", "../../etc")).toBeNull();
    expect(commitHref("https://x/{sha}", null)).toBeNull();
  });
});
