// The API reference: renders /openapi.json with no external resources.
"use strict";

(() => {
  const el = (tag, text, cls) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  };

  // Text with `code` spans as a paragraph (no HTML is parsed).
  function rich(tag, text, cls) {
    const node = el(tag, undefined, cls);
    text.split("`").forEach((part, i) => {
      node.append(i % 2 ? el("code", part) : document.createTextNode(part));
    });
    return node;
  }

  function resolve(schema, spec) {
    if (schema && schema.$ref) {
      const path = schema.$ref.replace(/^#\//, "").split("/");
      return path.reduce((obj, key) => obj[key], spec);
    }
    return schema || {};
  }

  function typeOf(schema) {
    if (!schema) return "";
    if (schema.anyOf) return schema.anyOf.map(typeOf).filter((t) => t !== "null").join(" | ");
    if (schema.format === "binary" || schema.contentMediaType) return "file";
    return schema.type || "";
  }

  function table(headers, rows) {
    const t = el("table");
    const head = el("tr");
    for (const h of headers) head.append(el("th", h));
    t.append(head);
    for (const row of rows) {
      const tr = el("tr");
      for (const cell of row) tr.append(el("td", cell === undefined ? "" : String(cell)));
      t.append(tr);
    }
    return t;
  }

  function renderOperation(method, path, op, spec) {
    const section = el("section", undefined, "panel endpoint");
    const h = el("h2");
    h.append(el("span", method.toUpperCase(), "method"), document.createTextNode(path));
    section.append(h);
    if (op.summary) section.append(el("p", op.summary));
    if (op.description) section.append(rich("p", op.description, "muted"));
    const params = (op.parameters || []).map((p) => [p.name, p.in, typeOf(p.schema), p.required ? "yes" : ""]);
    if (params.length) section.append(el("h3", "Parameters"), table(["name", "in", "type", "required"], params));
    const content = op.requestBody && op.requestBody.content;
    if (content) {
      for (const [mediaType, body] of Object.entries(content)) {
        const schema = resolve(body.schema, spec);
        const required = new Set(schema.required || []);
        const rows = Object.entries(schema.properties || {}).map(([name, prop]) => [
          name,
          typeOf(prop),
          prop.default === undefined ? "" : JSON.stringify(prop.default),
          required.has(name) ? "yes" : "",
          prop.description || "",
        ]);
        section.append(el("h3", `Body (${mediaType})`));
        section.append(table(["field", "type", "default", "required", "meaning"], rows));
      }
    }
    const responses = Object.entries(op.responses || {}).map(([code, r]) => [code, r.description || ""]);
    if (responses.length) section.append(el("h3", "Responses"), table(["status", "meaning"], responses));
    section.append(tryIt(method, path, op, spec));
    return section;
  }

  // The fields a request of an operation takes: path and query parameters, then the body's.
  function fieldsOf(op, spec) {
    const fields = (op.parameters || [])
      .filter((p) => p.in === "path" || p.in === "query")
      .map((p) => ({ name: p.name, where: p.in, type: typeOf(p.schema), required: !!p.required }));
    const content = (op.requestBody && op.requestBody.content) || {};
    for (const body of Object.values(content)) {
      const schema = resolve(body.schema, spec);
      const required = new Set(schema.required || []);
      for (const [name, prop] of Object.entries(schema.properties || {})) {
        fields.push({ name, where: "body", type: typeOf(prop), required: required.has(name) });
      }
    }
    return fields;
  }

  let formCount = 0;

  // "Try it": a form that sends the request to this server and shows the answer.
  function tryIt(method, path, op, spec) {
    const number = ++formCount;
    const form = el("form", undefined, "try-it");
    form.setAttribute("aria-label", `Try ${method.toUpperCase()} ${path}`);
    form.dataset.operation = `${method.toUpperCase()} ${path}`;
    form.append(el("h3", "Try it"));
    const inputs = [];
    for (const field of fieldsOf(op, spec)) {
      const id = `try-${number}-${field.name}`;
      const label = el("label", field.name + (field.required ? " (required)" : ""));
      label.setAttribute("for", id);
      const input = el("input");
      input.id = id;
      input.name = field.name;
      input.type = field.type === "file" ? "file" : "text";
      if (field.required) input.required = true;
      input.dataset.where = field.where;
      inputs.push(input);
      const row = el("div", undefined, "try-field");
      row.append(label, input);
      form.append(row);
    }
    const send = el("button", `Send ${method.toUpperCase()}`);
    send.type = "submit";
    const output = el("pre", "", "try-output");
    output.setAttribute("role", "status");
    output.setAttribute("aria-live", "polite");
    form.append(send, output);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      let url = path;
      const query = new URLSearchParams();
      const body = new FormData();
      let hasBody = false;
      for (const input of inputs) {
        if (input.dataset.where === "path") {
          url = url.replace(`{${input.name}}`, encodeURIComponent(input.value));
        } else if (input.dataset.where === "query") {
          if (input.value) query.append(input.name, input.value);
        } else if (input.type === "file") {
          if (input.files.length) {
            body.append(input.name, input.files[0]);
            hasBody = true;
          }
        } else if (input.value) {
          body.append(input.name, input.value);
          hasBody = true;
        }
      }
      if ([...query].length) url += `?${query}`;
      output.textContent = "Sending…";
      try {
        const init = { method: method.toUpperCase() };
        if (hasBody || op.requestBody) init.body = body;
        const response = await fetch(url, init);
        const type = response.headers.get("content-type") || "";
        let text;
        if (type.includes("json")) text = JSON.stringify(await response.json(), null, 2);
        else text = `(${type || "no content type"}, ${(await response.blob()).size} bytes)`;
        if (text.length > 4000) text = text.slice(0, 4000) + "\n…";
        output.textContent = `${response.status} ${response.statusText}\n${text}`;
      } catch (error) {
        output.textContent = `Cannot reach the server: ${error.message}`;
      }
    });
    return form;
  }

  async function main() {
    try {
      const response = await fetch("/openapi.json");
      const spec = await response.json();
      const intro = document.getElementById("intro");
      intro.append(el("h2", `${spec.info.title} ${spec.info.version}`));
      for (const para of (spec.info.description || "").split("\n\n")) intro.append(rich("p", para));
      const example = el(
        "pre",
        "curl -F image=@photo.jpg -F bars=8 -F seed=7 " + location.origin + "/api/compose",
      );
      intro.append(el("h3", "Example"), example);
      const container = document.getElementById("endpoints");
      for (const [path, ops] of Object.entries(spec.paths)) {
        for (const [method, op] of Object.entries(ops)) container.append(renderOperation(method, path, op, spec));
      }
    } catch (error) {
      const box = document.getElementById("docs-error");
      box.textContent = `Cannot load the API schema: ${error.message}`;
      box.hidden = false;
    }
  }

  main();
})();
