import { describe, expect, it } from "vitest";
import { csvCell, exportFileName, toCsv } from "./csv";

describe("csv", () => {
  it("quotes what needs quoting and ends lines with CRLF", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["x,y", 'say "hi"'],
          [1.5, null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n1.5,\r\n');
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
    expect(csvCell(true)).toBe("true");
    expect(csvCell(Number.NaN)).toBe("");
  });
  it("defuses cells a spreadsheet would run as formulas", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("@cmd")).toBe("'@cmd");
    expect(csvCell(-3)).toBe("-3");
  });
  it("names files safely", () => {
    expect(exportFileName(["threadbench", "runs", "feature/x y"], "csv")).toBe(
      "threadbench-runs-feature-x-y.csv",
    );
  });
});
