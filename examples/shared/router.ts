/** A few lines of routing for the framework-free example servers, on Web Request/Response. */
import { InvalidRequestError, isTokenwiseError } from "tokenwise";

export type Handler = (request: Request) => Response | Promise<Response>;

/** Dispatches on "METHOD /path"; 404 otherwise; unexpected errors become a bare 500. */
export function router(routes: Record<string, Handler>): Handler {
  return async (request) => {
    const handler = routes[`${request.method} ${new URL(request.url).pathname}`];
    if (!handler) return Response.json({ detail: "Not Found" }, { status: 404 });
    try {
      return await handler(request);
    } catch (error) {
      if (isTokenwiseError(error) && error.status < 500) return Response.json({ detail: error.message, code: error.code }, { status: error.status });
      console.error(error);
      return Response.json({ detail: "Internal Server Error" }, { status: 500 });
    }
  };
}

/** Reads a JSON object body, or fails with invalid_request. */
export async function readJson(request: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch (error) {
    throw new InvalidRequestError("The body must be JSON", { cause: error });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new InvalidRequestError("The body must be a JSON object");
  return body as Record<string, unknown>;
}
