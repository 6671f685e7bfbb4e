import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The workspace root holds the hoisted node_modules and the lockfile.
  turbopack: { root: fileURLToPath(new URL("../..", import.meta.url)) },
  poweredByHeader: false,
  reactStrictMode: true,
  experimental: {
    // The stylesheet (about 15 kB) goes into the page as a <style>: no render-blocking
    // request before the first paint, and the theme script in <head> no longer waits for
    // a stylesheet to download before the parser may continue.
    inlineCss: true,
  },
};

export default nextConfig;
