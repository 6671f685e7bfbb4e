"use client";

import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A horizontally scrolling box for a wide table that says so: when columns lie beyond
 * the right (or left) edge, an edge shadow and a "more columns" cue are shown, so a
 * narrow screen never hides a column without a word. The box is focusable while it
 * scrolls, so keyboard users can scroll it too.
 */
export function TableScroll({ children, label }: { children: ReactNode; label: string }) {
  const boxRef = useRef<HTMLElement>(null);
  const [overflow, setOverflow] = useState({ left: false, right: false });

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const update = () => {
      const left = box.scrollLeft > 1;
      const right = box.scrollLeft + box.clientWidth < box.scrollWidth - 1;
      setOverflow((current) =>
        current.left === left && current.right === right ? current : { left, right },
      );
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(box);
    const table = box.firstElementChild;
    if (table) observer.observe(table);
    box.addEventListener("scroll", update, { passive: true });
    return () => {
      observer.disconnect();
      box.removeEventListener("scroll", update);
    };
  }, []);

  const scrolls = overflow.left || overflow.right;
  return (
    <div
      className="table-scroll"
      data-overflow-left={overflow.left || undefined}
      data-overflow-right={overflow.right || undefined}
    >
      {/* A labelled region, focusable while it scrolls so keyboards can scroll it (WCAG 2.1.1). */}
      <section
        ref={boxRef}
        className="table-wrap"
        tabIndex={scrolls ? 0 : undefined}
        aria-label={scrolls ? `${label} (scrolls sideways)` : label}
      >
        {children}
      </section>
      {overflow.right ? (
        <div className="scroll-cue" data-testid="scroll-cue" aria-hidden="true">
          more columns →
        </div>
      ) : overflow.left ? (
        <div className="scroll-cue left" data-testid="scroll-cue" aria-hidden="true">
          ← more columns
        </div>
      ) : null}
    </div>
  );
}
