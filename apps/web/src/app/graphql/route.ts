/**
 * Same-origin proxy for the browser's queries and mutations, so the dashboard needs
 * no CORS setup and the API URL is configured once, at run time, on the server.
 * (Subscriptions go to the API directly over WebSocket.)
 */
import { apiUrl } from "../../graphql/server";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": request.headers.get("content-type") ?? "application/json",
    accept: request.headers.get("accept") ?? "application/json",
  };
  const authorization = request.headers.get("authorization");
  if (authorization) headers.authorization = authorization;
  const target = apiUrl();
  try {
    const upstream = await fetch(target, {
      method: "POST",
      headers,
      body: await request.text(),
      cache: "no-store",
    });
    return new Response(upstream.body, {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
    });
  } catch {
    return Response.json(
      {
        errors: [
          {
            message: `The threadbench API at ${target} is not reachable from the dashboard server. Start it, or set THREADBENCH_API_URL.`,
            extensions: { code: "API_UNREACHABLE" },
          },
        ],
      },
      { status: 502 },
    );
  }
}
