import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DataTable, EmptyState } from "./data-table";

describe("data table", () => {
  it("renders the scroll box, caption and header cells, numeric ones right-aligned, around the rows", () => {
    const html = renderToStaticMarkup(
      <DataTable
        label="Cells"
        testId="cells-table"
        caption="Every cell"
        columns={[
          { title: <span className="visually-hidden">Select</span> },
          { title: "Mode" },
          { title: "R²", numeric: true },
          { title: "R²", numeric: true },
        ]}
      >
        <tr>
          <td>a</td>
        </tr>
      </DataTable>,
    );
    expect(html).toContain('<section class="table-wrap" aria-label="Cells">');
    expect(html).toContain('<table class="data" data-testid="cells-table">');
    expect(html).toContain('<caption class="visually-hidden">Every cell</caption>');
    expect(html).toContain(
      '<thead><tr><th scope="col"><span class="visually-hidden">Select</span></th><th scope="col">Mode</th>' +
        '<th scope="col" class="num">R²</th><th scope="col" class="num">R²</th></tr></thead>',
    );
    expect(html).toContain("<tbody><tr><td>a</td></tr></tbody></table>");
  });

  it("has no caption element and no test id unless given", () => {
    const html = renderToStaticMarkup(
      <DataTable label="Runs" columns={[{ title: "Status" }]}>
        {null}
      </DataTable>,
    );
    expect(html).not.toContain("<caption");
    expect(html).toContain('<table class="data">');
  });
});

describe("empty state", () => {
  it("says what is missing as a heading, then the caller's advice", () => {
    expect(
      renderToStaticMarkup(
        <EmptyState title="No series match">
          <p>Clear the filters.</p>
        </EmptyState>,
      ),
    ).toBe('<div class="empty"><h2>No series match</h2><p>Clear the filters.</p></div>');
  });
});
