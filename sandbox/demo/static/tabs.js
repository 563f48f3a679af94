// Chats as tabs: opening, closing and activating them; the open tabs survive a reload.

import { app } from "./state.js";
import { renderRoster } from "./roster.js";
import { createPanel } from "./panel.js";
import { scrollToEnd, updateBadge } from "./messages.js";
import { schedulePoll } from "./polling.js";

export function openChat(key) {
  if (!app.chats.has(key)) {
    const person = app.byKey.get(key);
    const view = createPanel(person);
    app.chats.set(key, view);
    app.order.push(key);
    saveTabs();
    renderRoster();
  }
  activate(key);
  schedulePoll(0);
}

export function closeChat(key) {
  const view = app.chats.get(key);
  if (!view) return;
  view.panel.remove();
  view.tab.remove();
  app.chats.delete(key);
  app.order = app.order.filter((k) => k !== key);
  saveTabs();
  if (app.active === key) app.active = null;
  if (app.order.length) activate(app.order[app.order.length - 1]);
  updateEmpty();
  renderRoster();
}

export function activate(key) {
  app.active = key;
  localStorage.setItem("cadrebot-demo-active", key);
  for (const [k, view] of app.chats) {
    const on = k === key;
    view.panel.classList.toggle("active", on);
    view.tab.classList.toggle("active", on);
    view.tab.setAttribute("aria-selected", on ? "true" : "false");
    if (on) {
      view.unread = 0;
      updateBadge(view);
    }
  }
  const view = app.chats.get(key);
  if (view) {
    if (document.body.classList.contains("side-by-side")) {
      view.panel.scrollIntoView({ behavior: "smooth", inline: "nearest", block: "nearest" });
    }
    view.stick = true;
    scrollToEnd(view, true);
    if (window.matchMedia("(min-width: 761px)").matches) view.input.focus({ preventScroll: true });
  }
  updateEmpty();
}

/** Open tabs survive a reload (the emulator keeps every chat while the demo runs). */
function saveTabs() {
  localStorage.setItem("cadrebot-demo-tabs", JSON.stringify(app.order));
}

export function restoreTabs() {
  let keys = [];
  try {
    keys = JSON.parse(localStorage.getItem("cadrebot-demo-tabs") || "[]");
  } catch (error) {
    keys = [];
  }
  const active = localStorage.getItem("cadrebot-demo-active"); // opening tabs changes it
  for (const key of Array.isArray(keys) ? keys : []) {
    if (app.byKey.has(key)) openChat(key);
  }
  if (active && app.chats.has(active)) activate(active);
}

function updateEmpty() {
  document.getElementById("empty").hidden = app.chats.size > 0;
}
