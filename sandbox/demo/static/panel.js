// One chat's panel: built from the page's template, with its start bar, popups and command menu.

import { MAX_PHOTO_BYTES, app } from "./state.js";
import { t } from "./labels.js";
import { api, el, hue, place, post, roleLine } from "./dom.js";
import { activate, closeChat } from "./tabs.js";
import { sendPhoto, sendText } from "./acting.js";
import { samplePhoto, setupLocationPicker } from "./attachments.js";
import { isNearEnd, scrollToEnd, toast } from "./messages.js";

export function createPanel(person) {
  const panel = document.getElementById("panel-template").content.firstElementChild.cloneNode(true);
  panel.dataset.userKey = person.key;
  panel.dataset.userId = person.user_id;
  const view = {
    person,
    panel,
    rev: 0,
    answersSeen: 0,
    exists: false,
    nodes: new Map(), // message_id -> element
    keyboard: null,
    unread: 0,
    messages: panel.querySelector(".messages"),
    input: panel.querySelector(".text"),
    replyKb: panel.querySelector(".reply-kb"),
    toasts: panel.querySelector(".toasts"),
    startBar: panel.querySelector(".start-bar"),
    cmdMenu: panel.querySelector(".cmd-menu"),
    attachMenu: panel.querySelector(".attach-menu"),
    locPicker: panel.querySelector(".loc-picker"),
    picked: null,
    stick: true, // follow new messages unless the visitor scrolled up to read
  };
  view.jump = el("button", { type: "button", class: "jump", hidden: true, onclick: () => {
    view.stick = true;
    scrollToEnd(view, true);
  } }, "↓");
  panel.querySelector(".composer").before(view.jump);
  view.messages.addEventListener("scroll", () => {
    view.stick = isNearEnd(view);
    if (view.stick) view.jump.hidden = true;
  });
  const avatar = panel.querySelector(".avatar");
  avatar.textContent = person.name.slice(0, 1);
  avatar.style.setProperty("--hue", hue(person));
  panel.querySelector(".who-name").textContent = person.name;
  panel.querySelector(".close").addEventListener("click", () => closeChat(person.key));
  panel.querySelector(".start-btn").addEventListener("click", () => sendText(view, "/start"));
  panel.querySelector(".composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = view.input.value;
    if (!text.trim()) return;
    view.input.value = "";
    hidePopups(view);
    sendText(view, text);
  });
  view.input.addEventListener("input", () => {
    if (view.input.value.startsWith("/") && !view.input.value.includes(" ")) {
      showCommands(view, view.input.value);
    } else {
      view.cmdMenu.hidden = true;
    }
  });
  view.input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hidePopups(view);
  });
  panel.querySelector(".menu-btn").addEventListener("click", () => {
    const show = view.cmdMenu.hidden;
    hidePopups(view);
    if (show) showCommands(view, "");
  });
  panel.querySelector(".attach-btn").addEventListener("click", () => {
    const show = view.attachMenu.hidden;
    hidePopups(view);
    view.attachMenu.hidden = !show;
  });
  panel.querySelector(".attach-sample").addEventListener("click", () => {
    hidePopups(view);
    sendPhoto(view, samplePhoto(person));
  });
  const checkin = panel.querySelector(".attach-checkin");
  checkin.hidden = app.framework !== "dingtalk"; // Telegram check-ins are locations
  checkin.addEventListener("click", () => {
    hidePopups(view);
    recordCheckin(view);
  });
  const fileInput = panel.querySelector(".file-input");
  panel.querySelector(".attach-file").addEventListener("click", () => {
    hidePopups(view);
    fileInput.click();
  });
  fileInput.addEventListener("change", () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    if (file.size > MAX_PHOTO_BYTES) return toast(view, t("photo_too_big"), true);
    if (!/^image\/(png|jpeg|gif|bmp)$/.test(file.type)) return toast(view, t("photo_bad"), true);
    const reader = new FileReader();
    reader.onload = () => sendPhoto(view, String(reader.result).split(",", 2)[1]);
    reader.readAsDataURL(file);
  });
  setupLocationPicker(view);

  const tab = el(
    "button",
    {
      type: "button",
      role: "tab",
      class: "tab",
      dataset: { tab: person.key },
      onclick: () => activate(person.key),
    },
    el("span", { class: "avatar small", style: `--hue:${hue(person)}` }, person.name.slice(0, 1)),
    el("span", { class: "tab-name" }, person.name),
    el("span", { class: "badge", hidden: true }),
  );
  view.tab = tab;
  document.getElementById("tabs").append(tab);
  document.getElementById("panels").append(panel);
  applyPanelLabels(view);
  renderStartBar(view);
  return view;
}

// DingTalk: check-ins come from its attendance app; record one for this person, now.
async function recordCheckin(view) {
  try {
    const body = await post("/demo/api/attendance", { staff_id: view.person.user_id, inside: true });
    const time = String(body.time || "").slice(11, 16);
    toast(view, t(body.swept ? "checkin_recorded" : "checkin_pending", { time }), false);
  } catch (error) {
    toast(view, t("send_failed", { error: error.message }), true);
  }
}

export function applyPanelLabels(view) {
  view.panel.querySelector(".who-role").textContent = `${roleLine(view.person)} · ${place(view.person)}`;
  view.input.placeholder = (view.keyboard && view.keyboard.input_field_placeholder) || t("placeholder");
  const home = view.person.home;
  view.locPicker.querySelector(".loc-title").textContent = t("loc_title", {
    village: home.village,
    radius: Math.round(home.radius_m),
  });
  for (const node of view.panel.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of view.panel.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
  view.panel.querySelector(".start-btn").textContent = t("start");
}

export function renderStartBar(view) {
  view.startBar.hidden = view.exists && view.nodes.size > 0;
  view.panel.classList.toggle("not-started", !view.startBar.hidden);
}

export function hidePopups(view) {
  view.cmdMenu.hidden = true;
  view.attachMenu.hidden = true;
  view.locPicker.hidden = true;
}

function commandsFor(view) {
  return app.commands[app.lang] || app.commands[""] || app.commands.zh || [];
}

function showCommands(view, prefix) {
  const wanted = prefix.replace(/^\//, "").toLowerCase();
  const commands = commandsFor(view).filter((c) => c.command.startsWith(wanted));
  view.cmdMenu.replaceChildren();
  if (!commands.length) {
    if (wanted) {
      view.cmdMenu.hidden = true;
      return;
    }
    view.cmdMenu.append(el("p", { class: "hint" }, t("no_commands")));
    refreshCommands();
  }
  for (const c of commands) {
    view.cmdMenu.append(
      el(
        "button",
        {
          type: "button",
          class: "cmd-item",
          dataset: { command: c.command },
          onclick: () => {
            hidePopups(view);
            view.input.value = "";
            sendText(view, `/${c.command}`);
          },
        },
        el("span", { class: "cmd-name" }, `/${c.command}`),
        el("span", { class: "cmd-desc" }, c.description),
      ),
    );
  }
  view.cmdMenu.hidden = false;
}

export async function refreshCommands() {
  try {
    app.commands = await api("/demo/api/commands");
  } catch (error) {
    /* the next poll will tell whether the server is gone */
  }
}
