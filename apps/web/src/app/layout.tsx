import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { SiteNav } from "../components/site-nav";
import { ThemeToggle } from "../components/theme-toggle";
import { themeScript } from "../lib/theme";
import "uplot/dist/uPlot.min.css";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "threadbench", template: "%s · threadbench" },
  description: "Does the parallel code still scale? History, scaling curves and regressions.",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#171b21" },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* Applies the saved theme before the first paint: no flash of the wrong theme. */}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours, no user input */}
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="inner">
            <a className="brand" href="/">
              <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
                <path
                  d="M3 20 L9 13 L13 16 L21 5"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="2.5"
                  strokeLinecap="round"
                  strokeLinejoin="round"
                />
                <path d="M3 20 L21 20" stroke="currentColor" strokeWidth="1.5" opacity="0.4" />
              </svg>
              threadbench
            </a>
            <SiteNav />
            <div className="header-tools">
              <ThemeToggle />
            </div>
          </div>
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          threadbench: every run kept, so the day parallel code stops scaling is visible.
        </footer>
      </body>
    </html>
  );
}
