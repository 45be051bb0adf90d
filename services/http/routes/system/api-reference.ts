// A readable API reference page rendered on the server from the OpenAPI document (no scripts, no CDN).

interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, { description: string }>;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Renders every operation of the OpenAPI document as one HTML page. */
export function renderApiReference(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const sections = Object.entries(paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const params = (op.parameters ?? [])
          .map((p) => `<li><code>${escape(p.name)}</code> (${p.in}${p.required ? ', required' : ''})</li>`)
          .join('');
        const body = op.requestBody
          ? `<details><summary>Request body</summary><pre>${escape(
              JSON.stringify(op.requestBody.content['application/json'].schema, null, 2),
            )}</pre></details>`
          : '';
        const responses = Object.entries(op.responses)
          .map(([status, r]) => `<li><strong>${status}</strong> ${escape(r.description)}</li>`)
          .join('');
        return `<section class="op">
  <h2><span class="method ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h2>
  <p>${escape(op.summary ?? '')}</p>
  <p class="who">${escape(op.description ?? '')}</p>
  ${params ? `<h3>Parameters</h3><ul>${params}</ul>` : ''}
  ${body}
  <h3>Responses</h3><ul>${responses}</ul>
</section>`;
      }),
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Datacoop API reference</title><link rel="stylesheet" href="/api/docs.css"></head>
<body><main class="reference">
<h1>Datacoop API reference</h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Send <code>Authorization: Bearer &lt;accessToken&gt;</code>
from <code>POST /api/auth/login</code>. Errors are always <code>{"error": {"code", "message", "details"?}}</code>.</p>
${sections}
</main></body></html>`;
}
