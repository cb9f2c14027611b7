// A small recording proxy in front of Prism. It forwards every request byte for byte and keeps
// the exact wire request with the violations Prism reported, so that tests in any language can
// assert "zero violations" and check what Prism does not (query encoding, headers, bodies).
//
// Control endpoints (JSON):
//   GET    /__harness/requests?tag=T   the recorded requests carrying `X-Conformance-Case: T`
//   DELETE /__harness/requests?tag=T   forget them
//   GET    /__harness/scenarios         every conformance scenario file, as JSON
import { createServer, request as httpRequest } from 'node:http';

export const TAG_HEADER = 'x-conformance-case';

/**
 * @param {string} upstream  e.g. http://127.0.0.1:4010
 * @param {{ scenarios?: () => unknown }} [options]
 * @returns {Promise<{ url: string, records: object[], stop: () => Promise<void> }>}
 */
export async function startRecorder(upstream, options = {}) {
  const target = new URL(upstream);
  /** @type {object[]} */
  const records = [];

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.url.startsWith('/__harness/')) return control(req, res);
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
        },
        (upstreamRes) => {
          const out = [];
          upstreamRes.on('data', (c) => out.push(c));
          upstreamRes.on('end', () => {
            const responseBody = Buffer.concat(out);
            records.push(record(req, body, upstreamRes, responseBody));
            res.writeHead(upstreamRes.statusCode, upstreamRes.headers);
            res.end(responseBody);
          });
        },
      );
      forward.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`recorder: upstream failed: ${err.message}`);
      });
      forward.end(body);
    });
  });

  function control(req, res) {
    const url = new URL(req.url, 'http://harness');
    const tag = url.searchParams.get('tag');
    const matching = (r) => tag === null || r.tag === tag;
    if (url.pathname === '/__harness/requests' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(records.filter(matching)));
    }
    if (url.pathname === '/__harness/scenarios' && req.method === 'GET' && options.scenarios) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(options.scenarios()));
    }
    if (url.pathname === '/__harness/requests' && req.method === 'DELETE') {
      for (let i = records.length - 1; i >= 0; i--) if (matching(records[i])) records.splice(i, 1);
      res.writeHead(204);
      return res.end();
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('unknown harness endpoint');
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.keepAliveTimeout = 5_000;
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    records,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function record(req, body, res, responseBody) {
  const [path, ...rest] = req.url.split('?');
  return {
    tag: req.headers[TAG_HEADER] ?? null,
    method: req.method,
    path,
    query: rest.join('?'),
    headers: req.headers,
    body: body.length === 0 ? null : body.toString('utf8'),
    status: res.statusCode,
    violations: violationsOf(res, responseBody),
  };
}

/** Prism's violations: the `sl-violations` header, or the `validation` array of a problem+json body. */
function violationsOf(res, responseBody) {
  const found = [];
  const header = res.headers['sl-violations'];
  if (header) {
    try {
      found.push(...JSON.parse(header));
    } catch {
      found.push({ message: `unparsable sl-violations header: ${header}` });
    }
  }
  if (String(res.headers['content-type'] ?? '').includes('application/problem+json')) {
    try {
      const problem = JSON.parse(responseBody.toString('utf8'));
      if (Array.isArray(problem.validation)) found.push(...problem.validation);
      else found.push({ message: `prism problem: ${problem.title ?? ''} ${problem.detail ?? ''}`.trim() });
    } catch {
      found.push({ message: 'unparsable problem+json body' });
    }
  }
  return found;
}
