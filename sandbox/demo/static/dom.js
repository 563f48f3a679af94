// Small helpers: building elements, calling the demo's API, formatting a time and a person.

import { app } from "./state.js";

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok || body.ok === false) {
    throw new Error(body.description || body.error || `HTTP ${response.status}`);
  }
  return body;
}

export function post(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

export function hhmm(unix) {
  const d = new Date(unix * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function roleLine(person) {
  return app.lang === "en"
    ? `${person.role_en} · ${person.role_zh}`
    : `${person.role_zh} · ${person.role_en}`;
}

export function place(person) {
  return [person.township, person.village || person.unit].filter(Boolean).join(" ");
}

export function hue(person) {
  return (person.user_id * 47) % 360;
}
