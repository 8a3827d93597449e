/**
 * A small local web site for the crawler examples (and their async/await and Effection twins in
 * `bench/compare/`): every page is a JSON list of links, 20 ms away; `/a/1` is slow (300 ms) and
 * `/c/3` fails with a 500 after 80 ms.
 *
 * @module
 */

/** The running site. */
export interface Site {
  /** `http://127.0.0.1:port`. */
  readonly base: string;
  /** Stops the server once the requests it is answering are done. */
  close(): Promise<void>;
}

const children = (path: string): string[] => {
  const depth = path === "/" ? 0 : path.split("/").length - 1;
  if (depth === 0) return ["/a", "/b", "/c", "/d"];
  if (depth === 1) return [1, 2, 3].map((i) => `${path}/${i}`);
  if (depth === 2) return [`${path}/x`, `${path}/y`];
  return ["/"]; // leaves link back home: the crawler must not visit a page twice
};

/** Serves the site on 127.0.0.1 at a free port. */
export function serveSite(): Site {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const ms = path === "/a/1" ? 300 : path === "/c/3" ? 80 : 20;
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (path === "/c/3") return new Response("database on fire", { status: 500 });
    return Response.json(children(path));
  });
  return { base: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}
