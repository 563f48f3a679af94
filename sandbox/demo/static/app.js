/* cadrebot demo: a small Telegram-like chat client for the loopback Bot API emulator.
 *
 * Plain JavaScript, no build step, no network beyond this page's own origin:
 *   GET  /demo/api/info               roster, the bot's command menu, the demo clock
 *   GET  /demo/api/poll?chats=ID.REV.ANSWERS,...   what changed in each open chat
 *   POST /sandbox/chats/ID/send       act as that person (text, contact, location, photo, press)
 *   POST /demo/api/clock              move the demo day and run the scheduler's sweeps
 * Bot text is rendered from the message's entities (like a Telegram client does), so only
 * Telegram's formatting can ever reach the page, and always as DOM nodes, never as HTML.
 *
 * This is the entry module (<script type="module">): it wires the header's controls and
 * starts polling. The rest is split by job into ES modules next to it in /static/, loaded
 * by the browser as they are (no build step).
 */

import { app } from "./state.js";
import { t } from "./labels.js";
import { api } from "./dom.js";
import { renderRoster } from "./roster.js";
import { activate, restoreTabs } from "./tabs.js";
import { applyPanelLabels } from "./panel.js";
import { scrollToEnd } from "./messages.js";
import { schedulePoll } from "./polling.js";
import { clockStatus, runClock, showClock } from "./clock.js";

function applyLanguage() {
  document.documentElement.lang = app.lang === "en" ? "en" : "zh-CN";
  document.body.classList.toggle("lang-en", app.lang === "en");
  for (const node of document.querySelectorAll("body > header [data-i18n], .roster [data-i18n], #empty [data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
  for (const node of document.querySelectorAll("body > header [data-i18n-title]")) {
    node.title = t(node.dataset.i18nTitle);
  }
  const toggle = document.getElementById("lang-toggle");
  toggle.textContent = app.lang === "en" ? "中文" : "EN";
  toggle.lang = app.lang === "en" ? "zh" : "en";
  document.title = `${t("title")} (cadrebot demo)`;
  document.getElementById("brand-sub").textContent = app.framework ? t("framework", { framework: app.framework }) : "";
  for (const view of app.chats.values()) applyPanelLabels(view);
  renderRoster();
}

// -- start ----------------------------------------------------------------------------------

async function init() {
  const info = await api("/demo/api/info");
  app.roster = info.roster;
  for (const person of info.roster) app.byKey.set(person.key, person);
  app.commands = info.commands || {};
  app.framework = info.framework;
  showClock(info.clock, true);

  document.getElementById("lang-toggle").addEventListener("click", () => {
    app.lang = app.lang === "en" ? "zh" : "en";
    localStorage.setItem("cadrebot-demo-lang", app.lang);
    applyLanguage();
  });
  const sideBySide = document.getElementById("side-by-side");
  sideBySide.checked = localStorage.getItem("cadrebot-demo-side") === "1";
  document.body.classList.toggle("side-by-side", sideBySide.checked);
  sideBySide.addEventListener("change", () => {
    document.body.classList.toggle("side-by-side", sideBySide.checked);
    localStorage.setItem("cadrebot-demo-side", sideBySide.checked ? "1" : "0");
    // panels hidden until now were laid out empty: bring each to its latest message
    for (const view of app.chats.values()) {
      view.stick = true;
      scrollToEnd(view, true);
    }
    if (app.active) activate(app.active);
  });
  document.getElementById("roster-toggle").addEventListener("click", () => {
    document.body.classList.toggle("roster-open");
  });
  document.getElementById("clock-form").addEventListener("submit", (event) => {
    event.preventDefault();
    runClock(document.getElementById("clock-date").value);
  });
  document.getElementById("clock-reset").addEventListener("click", () => runClock(""));
  document.getElementById("clock-status").addEventListener("click", () => clockStatus(""));
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) schedulePoll(0);
  });
  applyLanguage();
  restoreTabs();
  schedulePoll(0);
}

init().catch((error) => {
  document.body.classList.add("offline");
  document.getElementById("empty").textContent = `cadrebot demo: ${error.message}`;
});
