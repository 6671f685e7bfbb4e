"use client";

import { usePathname } from "next/navigation";
import { AppLink } from "./app-link";

const links = [
  { href: "/", label: "Overview", match: (path: string) => path === "/" },
  {
    href: "/runs",
    label: "Runs",
    match: (path: string) => path.startsWith("/runs") && path !== "/runs/new",
  },
  { href: "/series", label: "Series", match: (path: string) => path.startsWith("/series") },
  { href: "/scaling", label: "Scaling", match: (path: string) => path.startsWith("/scaling") },
  { href: "/branches", label: "Branches", match: (path: string) => path.startsWith("/branches") },
  { href: "/compare", label: "Compare", match: (path: string) => path.startsWith("/compare") },
  { href: "/machines", label: "Machines", match: (path: string) => path.startsWith("/machines") },
  { href: "/runs/new", label: "New run", match: (path: string) => path === "/runs/new" },
];

export function SiteNav() {
  const pathname = usePathname() ?? "/";
  return (
    <nav className="site-nav" aria-label="Main">
      {links.map((link) => (
        <AppLink key={link.href} href={link.href} aria-current={link.match(pathname) ? "page" : undefined}>
          {link.label}
        </AppLink>
      ))}
    </nav>
  );
}
