/**
 * The frame every data table of the dashboard shares: a sideways-scrolling box with its
 * "more columns" cue (TableScroll), the `data` table, a caption for screen readers and
 * a header row of column titles, numeric ones right-aligned. The rows are the caller's.
 * Server-safe (no hooks of its own): used by server pages and client tables alike.
 */
import type { ReactNode } from "react";
import { TableScroll } from "./table-scroll";

export interface Column {
  /** What the header cell says (text, or an element such as a visually hidden word). */
  title: ReactNode;
  /** A number column: right-aligned (`num`), as its cells are. */
  numeric?: boolean;
}

export function DataTable({
  label,
  columns,
  caption,
  testId,
  children,
}: {
  /** The scroll region's accessible name. */
  label: string;
  columns: readonly Column[];
  /** Read by screen readers only. */
  caption?: string;
  testId?: string;
  /** The body rows (`<tr>` elements). */
  children: ReactNode;
}) {
  return (
    <TableScroll label={label}>
      <table className="data" data-testid={testId}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((column, index) => (
              // Titles repeat ("R²" twice in the fits table): the position is the key.
              // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list of columns, never reordered
              <th key={index} scope="col" className={column.numeric ? "num" : undefined}>
                {column.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </TableScroll>
  );
}

/** An empty list's message: what is missing and what to do about it. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}
