/* cadrebot demo: a small Telegram-like chat client for the loopback Bot API emulator.
 *
 * Plain JavaScript, no build step, no network beyond this page's own origin:
 *   GET  /demo/api/info               roster, the bot's command menu, the demo clock
 *   GET  /demo/api/poll?chats=ID.REV.ANSWERS,...   what changed in each open chat
 *   POST /sandbox/chats/ID/send       act as that person (text, contact, location, photo, press)
 *   POST /demo/api/clock              move the demo day and run the scheduler's sweeps
 * Bot text is rendered from the message's entities (like a Telegram client does), so only
 * Telegram's formatting can ever reach the page, and always as DOM nodes, never as HTML.
 */
"use strict";

(() => {
  const POLL_MS = 700;
  const HIDDEN_POLL_MS = 3000;
  const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

  const LABELS = {
    zh: {
      title: "驻村干部管理助手 · 演示",
      roster: "花名册",
      roster_hint: "点击一个人，以他/她的身份与机器人对话。",
      pick_someone: "从花名册中选择一个人开始对话。",
      pick_hint: "先点「开始」，再点「📱 发送我的手机号」完成绑定。",
      clock: "模拟日期",
      clock_reset: "回到今天",
      run_sweeps: "运行定时任务",
      side_by_side: "并排显示",
      start: "开始",
      placeholder: "输入消息或 /命令",
      send: "发送",
      menu: "/ 菜单",
      attach: "发送照片",
      attach_sample: "🖼️ 发送示例照片",
      attach_file: "📁 选择图片…",
      loc_title: "发送位置：{village}（半径 {radius} 米）",
      loc_inside: "📍 在村内",
      loc_outside: "🚶 在村外（约 3 公里）",
      loc_map_hint: "或在地图上点选一个位置：",
      loc_send_point: "发送此位置",
      loc_point: "{lat}, {lon} · 距村中心 {distance} 米",
      loc_distance: "（距{village} {distance} 米）",
      cancel: "取消",
      close: "关闭",
      edited: "已编辑",
      contact: "联系人",
      location: "位置",
      download: "下载",
      bot: "机器人",
      no_commands: "机器人尚未设置命令菜单。",
      clock_ran: "已按 {day} 运行全部定时任务。新提醒：{sweeps}；已发出 {sent} 条（未绑定的人收不到）。",
      clock_none: "（无）",
      clock_unavailable: "日期已改为 {day}。定时任务：{detail}",
      clock_reset_done: "已回到今天（{day}）。",
      send_failed: "发送失败：{error}",
      photo_too_big: "图片太大（最多 10 MB）。",
      photo_bad: "只能发送 PNG、JPEG、GIF 或 BMP 图片。",
      unread: "{n} 条新消息",
      ok: "好",
      blocked: "已屏蔽机器人",
      framework: "框架 {framework}",
    },
    en: {
      title: "cadrebot · demo",
      roster: "Roster",
      roster_hint: "Pick a person to talk to the bot as them.",
      pick_someone: "Pick someone from the roster to start a chat.",
      pick_hint: "Tap START, then «📱 Share my phone number» to register.",
      clock: "Demo date",
      clock_reset: "Back to today",
      run_sweeps: "Run sweeps",
      side_by_side: "Side by side",
      start: "START",
      placeholder: "Message or /command",
      send: "Send",
      menu: "/ Menu",
      attach: "Send a photo",
      attach_sample: "🖼️ Send a sample photo",
      attach_file: "📁 Choose an image…",
      loc_title: "Share location: {village} (radius {radius} m)",
      loc_inside: "📍 Inside the village",
      loc_outside: "🚶 Outside (about 3 km)",
      loc_map_hint: "or click a point on the map:",
      loc_send_point: "Send this point",
      loc_point: "{lat}, {lon} · {distance} m from the village centre",
      loc_distance: "({distance} m from {village})",
      cancel: "Cancel",
      close: "Close",
      edited: "edited",
      contact: "Contact",
      location: "Location",
      download: "Download",
      bot: "bot",
      no_commands: "The bot has not set a command menu yet.",
      clock_ran: "Ran every sweep as of {day}. New reminders: {sweeps}; {sent} sent (people not yet registered get none).",
      clock_none: "(none)",
      clock_unavailable: "Date set to {day}. Scheduler: {detail}",
      clock_reset_done: "Back to today ({day}).",
      send_failed: "Could not send: {error}",
      photo_too_big: "That image is too big (10 MB at most).",
      photo_bad: "Only PNG, JPEG, GIF or BMP images can be sent.",
      unread: "{n} new messages",
      ok: "OK",
      blocked: "blocked the bot",
      framework: "framework {framework}",
    },
  };

  const app = {
    lang: localStorage.getItem("cadrebot-demo-lang") === "en" ? "en" : "zh",
    roster: [],
    byKey: new Map(),
    commands: {},
    clock: null,
    framework: "",
    chats: new Map(), // user key -> chat view state
    order: [], // open tabs, in tab order
    active: null,
    pollTimer: null,
    polling: false,
    pollAgain: false,
  };

  // -- small helpers ----------------------------------------------------------------------

  function t(key, params) {
    const table = LABELS[app.lang] || LABELS.zh;
    let text = key in table ? table[key] : LABELS.zh[key] || key;
    for (const [name, value] of Object.entries(params || {})) {
      text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  }

  function el(tag, attrs, ...children) {
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

  async function api(path, options) {
    const response = await fetch(path, options);
    const body = await response.json().catch(() => ({}));
    if (!response.ok || body.ok === false) {
      throw new Error(body.description || body.error || `HTTP ${response.status}`);
    }
    return body;
  }

  function post(path, body) {
    return api(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  function hhmm(unix) {
    const d = new Date(unix * 1000);
    return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  }

  function roleLine(person) {
    return app.lang === "en"
      ? `${person.role_en} · ${person.role_zh}`
      : `${person.role_zh} · ${person.role_en}`;
  }

  function place(person) {
    return [person.township, person.village || person.unit].filter(Boolean).join(" ");
  }

  // -- Telegram text: entities → DOM -------------------------------------------------------

  const ENTITY_TAGS = {
    bold: "b",
    italic: "i",
    underline: "u",
    strikethrough: "s",
    code: "code",
    pre: "pre",
    spoiler: "span",
    text_link: "a",
    blockquote: "blockquote",
    expandable_blockquote: "blockquote",
    custom_emoji: "span",
    bot_command: "span",
  };
  const COMMAND_IN_TEXT = /(^|[\s(（「])(\/[A-Za-z][A-Za-z0-9_]{0,31})(?=$|[\s,.;:!?，。；：！？)）」])/g;

  function entityNode(entity, view) {
    const node = document.createElement(ENTITY_TAGS[entity.type]);
    if (entity.type === "spoiler") {
      node.className = "spoiler";
      node.title = "spoiler";
      node.addEventListener("click", () => node.classList.add("revealed"));
    } else if (entity.type === "text_link") {
      const url = String(entity.url || "");
      if (/^(https?:|tg:|mailto:)/i.test(url)) {
        node.href = url;
        node.target = "_blank";
        node.rel = "noopener noreferrer";
      }
    } else if (entity.type === "bot_command") {
      node.className = "cmd";
    }
    return node;
  }

  /** Plain text, with /commands made tappable (Telegram clients link them in bot text).
   * ``before`` is the character ahead of ``text`` in the message: "1</b>/10" is no command. */
  function appendPlain(parent, text, view, before) {
    if (!view) {
      parent.append(text);
      return;
    }
    let last = 0;
    for (const match of text.matchAll(COMMAND_IN_TEXT)) {
      if (match.index === 0 && !match[1] && before && !/\s/.test(before)) continue;
      const start = match.index + match[1].length;
      if (start > last) parent.append(text.slice(last, start));
      const command = match[2];
      parent.append(
        el("a", { class: "cmd", href: "#", onclick: (e) => { e.preventDefault(); sendText(view, command); } }, command),
      );
      last = start + command.length;
    }
    if (last < text.length) parent.append(text.slice(last));
  }

  /** Build DOM from a text and its entities; offsets are UTF-16 units, as JS strings are. */
  function richText(text, entities, view) {
    const out = document.createDocumentFragment();
    const list = (entities || [])
      .filter((e) => ENTITY_TAGS[e.type] && e.length > 0)
      .slice()
      .sort((a, b) => a.offset - b.offset || b.length - a.length);
    const build = (parent, start, end, items, linkify) => {
      let pos = start;
      let i = 0;
      while (i < items.length) {
        const entity = items[i];
        if (entity.offset < pos) {
          i += 1; // overlaps what was already placed: Telegram never sends this
          continue;
        }
        if (entity.offset > pos) {
          appendPlain(parent, text.slice(pos, entity.offset), linkify, text[pos - 1]);
        }
        const stop = Math.min(entity.offset + entity.length, end);
        const inner = [];
        let j = i + 1;
        while (j < items.length && items[j].offset < stop) {
          if (items[j].offset + items[j].length <= stop) inner.push(items[j]);
          j += 1;
        }
        const node = entityNode(entity, linkify);
        const plainInside = ["code", "pre", "text_link", "bot_command"].includes(entity.type);
        build(node, entity.offset, stop, inner, plainInside ? null : linkify);
        parent.append(node);
        pos = stop;
        i = j;
      }
      if (pos < end) appendPlain(parent, text.slice(pos, end), linkify, text[pos - 1]);
    };
    build(out, 0, text.length, list, view);
    return out;
  }

  // -- roster ---------------------------------------------------------------------------

  function renderRoster() {
    const list = document.getElementById("roster-list");
    list.replaceChildren();
    for (const person of app.roster) {
      const open = app.chats.has(person.key);
      list.append(
        el(
          "li",
          {},
          el(
            "button",
            {
              type: "button",
              class: `person${open ? " open" : ""}`,
              dataset: { person: person.key },
              onclick: () => {
                openChat(person.key);
                document.body.classList.remove("roster-open");
              },
            },
            el("span", { class: "avatar", style: `--hue:${hue(person)}` }, person.name.slice(0, 1)),
            el(
              "span",
              { class: "person-text" },
              el("span", { class: "person-name" }, person.name),
              el("span", { class: "person-role" }, person.role_zh, el("span", { class: "en" }, ` · ${person.role_en}`)),
              el("span", { class: "person-place" }, place(person)),
            ),
          ),
        ),
      );
    }
  }

  function hue(person) {
    return (person.user_id * 47) % 360;
  }

  // -- chats ----------------------------------------------------------------------------

  function openChat(key) {
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

  function closeChat(key) {
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

  function activate(key) {
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

  function restoreTabs() {
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

  function createPanel(person) {
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

  function applyPanelLabels(view) {
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

  function renderStartBar(view) {
    view.startBar.hidden = view.exists && view.nodes.size > 0;
    view.panel.classList.toggle("not-started", !view.startBar.hidden);
  }

  function hidePopups(view) {
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

  async function refreshCommands() {
    try {
      app.commands = await api("/demo/api/commands");
    } catch (error) {
      /* the next poll will tell whether the server is gone */
    }
  }

  // -- acting as the person --------------------------------------------------------------

  async function act(view, body) {
    const person = view.person;
    if (body.kind !== "press") {
      view.stick = true; // like Telegram: what one sends scrolls the chat to its end
      scrollToEnd(view, true);
    }
    try {
      await post(`/sandbox/chats/${person.user_id}/send`, {
        first_name: person.name,
        language_code: app.lang,
        ...body,
      });
      view.exists = true;
    } catch (error) {
      toast(view, t("send_failed", { error: error.message }), true);
    }
    schedulePoll(120);
  }

  function sendText(view, text) {
    return act(view, { kind: "text", text });
  }

  function sendPhoto(view, base64) {
    const caption = view.input.value.trim();
    view.input.value = "";
    return act(view, { kind: "photo", data_base64: base64, caption: caption || null });
  }

  function press(view, messageId, button, node) {
    node.classList.add("pending");
    setTimeout(() => node.classList.remove("pending"), 1500);
    return act(view, { kind: "press", message_id: messageId, data: button.callback_data });
  }

  function tapKeyboardButton(view, button) {
    const text = typeof button === "string" ? button : button.text;
    if (button.request_contact) {
      return act(view, { kind: "contact", phone: view.person.phone });
    }
    if (button.request_location) {
      hidePopups(view);
      view.locPicker.hidden = false;
      return;
    }
    return sendText(view, text);
  }

  // -- location picker --------------------------------------------------------------------

  const MAP_HALF_M = 3500; // the map shows the village centre ± 3.5 km
  // The bot's own figures (domain/geo.py): a sphere of 6,371,008.8 m and the haversine
  // distance, so the bubble says the metres the bot will answer with.
  const EARTH_RADIUS_M = 6371008.8;
  const M_PER_DEG_LAT = (EARTH_RADIUS_M * Math.PI) / 180;

  function metersPerDegLon(lat) {
    return M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
  }

  function distanceM(home, lat, lon) {
    const rad = Math.PI / 180;
    const p1 = home.lat * rad;
    const p2 = lat * rad;
    const h =
      Math.sin((p2 - p1) / 2) ** 2 +
      Math.cos(p1) * Math.cos(p2) * Math.sin(((lon - home.lon) * rad) / 2) ** 2;
    return Math.round(2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h))));
  }

  function setupLocationPicker(view) {
    const home = view.person.home;
    const svg = view.locPicker.querySelector(".loc-map");
    const ns = "http://www.w3.org/2000/svg";
    const shape = (tag, attrs) => {
      const node = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      svg.append(node);
      return node;
    };
    const scale = 120 / MAP_HALF_M; // px per metre
    shape("rect", { x: 0, y: 0, width: 240, height: 240, class: "map-bg" });
    for (let km = -3; km <= 3; km += 1) {
      const p = 120 + km * 1000 * scale;
      shape("line", { x1: p, y1: 0, x2: p, y2: 240, class: "map-grid" });
      shape("line", { x1: 0, y1: p, x2: 240, y2: p, class: "map-grid" });
    }
    shape("path", { d: "M0,170 C60,140 90,200 150,160 S220,120 240,135", class: "map-river" });
    shape("circle", { cx: 120, cy: 120, r: home.radius_m * scale, class: "map-fence" });
    shape("circle", { cx: 120, cy: 120, r: 3, class: "map-centre" });
    const label = shape("text", { x: 120, y: 120 - home.radius_m * scale - 5, class: "map-label" });
    label.textContent = home.village;
    const scaleText = shape("text", { x: 6, y: 234, class: "map-scale" });
    scaleText.textContent = "1 km";
    shape("line", { x1: 6, y1: 224, x2: 6 + 1000 * scale, y2: 224, class: "map-scalebar" });
    const marker = shape("circle", { cx: -10, cy: -10, r: 5, class: "map-marker" });
    const pointText = view.locPicker.querySelector(".loc-point");
    const sendButton = view.locPicker.querySelector(".loc-send");
    svg.addEventListener("click", (event) => {
      const box = svg.getBoundingClientRect();
      const x = ((event.clientX - box.left) / box.width) * 240;
      const y = ((event.clientY - box.top) / box.height) * 240;
      const lat = home.lat + ((120 - y) / scale) / M_PER_DEG_LAT;
      const lon = home.lon + ((x - 120) / scale) / metersPerDegLon(home.lat);
      view.picked = { lat: +lat.toFixed(6), lon: +lon.toFixed(6) };
      marker.setAttribute("cx", x);
      marker.setAttribute("cy", y);
      pointText.textContent = t("loc_point", {
        lat: view.picked.lat.toFixed(5),
        lon: view.picked.lon.toFixed(5),
        distance: distanceM(home, view.picked.lat, view.picked.lon),
      });
      sendButton.disabled = false;
    });
    const send = (lat, lon) => {
      hidePopups(view);
      act(view, { kind: "location", latitude: lat, longitude: lon });
    };
    view.locPicker.querySelector(".loc-inside").addEventListener("click", () => {
      // ~40 m north-east of the centre: well inside any village's geofence
      send(+(home.lat + 0.0003).toFixed(6), +(home.lon + 0.0003).toFixed(6));
    });
    view.locPicker.querySelector(".loc-outside").addEventListener("click", () => {
      send(+(home.lat + 3000 / M_PER_DEG_LAT).toFixed(6), home.lon); // 3 km north
    });
    sendButton.addEventListener("click", () => {
      if (view.picked) send(view.picked.lat, view.picked.lon);
    });
    view.locPicker.querySelector(".loc-cancel").addEventListener("click", () => hidePopups(view));
  }

  // -- sample photo -------------------------------------------------------------------------

  /** A small picture drawn on the spot (no image files to ship): a village at dusk. */
  function samplePhoto(person) {
    const canvas = document.createElement("canvas");
    canvas.width = 480;
    canvas.height = 320;
    const g = canvas.getContext("2d");
    const sky = g.createLinearGradient(0, 0, 0, 220);
    sky.addColorStop(0, "#7ec8f2");
    sky.addColorStop(1, "#d8f0ff");
    g.fillStyle = sky;
    g.fillRect(0, 0, 480, 320);
    g.fillStyle = "#f6c945";
    g.beginPath();
    g.arc(390, 70, 30, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = "#6aa84f";
    g.beginPath();
    g.moveTo(0, 230);
    g.quadraticCurveTo(120, 120, 250, 220);
    g.quadraticCurveTo(360, 150, 480, 210);
    g.lineTo(480, 320);
    g.lineTo(0, 320);
    g.fill();
    g.fillStyle = "#38761d";
    g.fillRect(0, 260, 480, 60);
    g.fillStyle = "#f3e5c0";
    g.fillRect(170, 200, 120, 70);
    g.fillStyle = "#a61c00";
    g.beginPath();
    g.moveTo(155, 205);
    g.lineTo(230, 160);
    g.lineTo(305, 205);
    g.fill();
    g.fillStyle = "#5b3a1a";
    g.fillRect(220, 230, 22, 40);
    g.fillStyle = "#fff";
    g.font = "bold 20px sans-serif";
    // dated by the demo's clock (the day the bot counts), not the browser's
    const day = (app.clock && app.clock.today) || new Date().toISOString().slice(0, 10);
    g.fillText(`${person.home.village} · ${day}`, 16, 304);
    return canvas.toDataURL("image/png").split(",", 2)[1];
  }

  // -- rendering messages -----------------------------------------------------------------

  function renderMessage(view, item) {
    const message = item.message;
    const fromBot = item.direction === "out";
    const bubble = el("div", {
      class: `msg ${fromBot ? "bot" : "me"}`,
      dataset: { messageId: item.message_id },
    });
    const body = el("div", { class: "bubble" });
    bubble.append(body);

    if (item.file_url && message.photo) {
      const img = el("img", { class: "photo", src: item.file_url, alt: "photo" });
      img.addEventListener("load", () => scrollToEnd(view, view.stick)); // it grew the chat
      body.append(img);
    } else if (item.file_url && message.document) {
      const doc = message.document;
      const name = doc.file_name || "document";
      body.append(
        el(
          "a",
          { class: "document", href: item.file_url, download: name, target: "_blank" },
          el("span", { class: "doc-icon" }, "📄"),
          el(
            "span",
            { class: "doc-text" },
            el("span", { class: "doc-name" }, name),
            el("span", { class: "doc-size" }, `${Math.max(1, Math.round((doc.file_size || 0) / 1024))} KB · ${t("download")}`),
          ),
        ),
      );
    } else if (message.sticker) {
      body.append(el("div", { class: "sticker" }, message.sticker.emoji || "🙂"));
    }
    if (message.contact) {
      body.append(
        el("div", { class: "contact" }, `📱 ${t("contact")}: ${message.contact.first_name || ""} ${message.contact.phone_number}`),
      );
    }
    if (message.location) {
      const loc = message.location;
      const d = distanceM(view.person.home, loc.latitude, loc.longitude);
      body.append(
        el(
          "div",
          { class: "location" },
          `📍 ${t("location")}: ${loc.latitude.toFixed(5)}, ${loc.longitude.toFixed(5)}`,
          el("span", { class: "loc-distance" }, ` ${t("loc_distance", { village: view.person.home.village, distance: d })}`),
        ),
      );
    }
    const text = message.text !== undefined ? message.text : message.caption;
    if (text) {
      const entities = message.text !== undefined ? message.entities : message.caption_entities;
      body.append(el("div", { class: "text" }, richText(text, entities, fromBot ? view : null)));
    }
    body.append(
      el(
        "span",
        { class: "meta" },
        item.edited ? `${t("edited")} ` : "",
        hhmm(message.edit_date || message.date),
      ),
    );

    const markup = message.reply_markup;
    if (fromBot && markup && markup.inline_keyboard) {
      const kb = el("div", { class: "ikb" });
      for (const row of markup.inline_keyboard) {
        const rowNode = el("div", { class: "ikb-row" });
        for (const button of row) {
          const node = el("button", { type: "button", class: "ikb-btn" }, button.text);
          if (button.url) {
            node.addEventListener("click", () => window.open(button.url, "_blank", "noopener"));
          } else if (button.callback_data !== undefined) {
            node.addEventListener("click", () => press(view, item.message_id, button, node));
          } else {
            node.disabled = true;
          }
          if (button.text === "·") node.classList.add("noop");
          rowNode.append(node);
        }
        kb.append(rowNode);
      }
      bubble.append(kb);
      bubble.classList.add("has-kb");
    }
    return bubble;
  }

  function applyMessages(view, items) {
    let added = 0;
    for (const item of items) {
      const old = view.nodes.get(item.message_id);
      if (item.deleted) {
        if (old) old.remove();
        view.nodes.delete(item.message_id);
        continue;
      }
      const node = renderMessage(view, item);
      if (old) {
        old.replaceWith(node);
        node.classList.add("flash"); // a short highlight: the bot edited this message
        setTimeout(() => node.classList.remove("flash"), 1200);
      } else {
        let before = null;
        for (const [id, existing] of view.nodes) {
          if (id > item.message_id && (!before || Number(before.dataset.messageId) > id)) before = existing;
        }
        view.messages.insertBefore(node, before);
        if (item.direction === "out") added += 1;
      }
      view.nodes.set(item.message_id, node);
    }
    // the first poll after a (re)load brings the history: that is not news
    if (added && view.primed && !isVisible(view)) {
      view.unread += added;
      updateBadge(view);
    }
    if (items.length) scrollToEnd(view, view.stick);
    if (added && !view.stick) view.jump.hidden = false; // news below the visitor's reading
  }

  function isVisible(view) {
    return app.active === view.person.key || document.body.classList.contains("side-by-side");
  }

  function updateBadge(view) {
    const badge = view.tab.querySelector(".badge");
    badge.hidden = !view.unread;
    badge.textContent = view.unread ? String(view.unread) : "";
    badge.title = t("unread", { n: view.unread });
  }

  function isNearEnd(view) {
    const box = view.messages;
    return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  function scrollToEnd(view, force) {
    if (force) {
      requestAnimationFrame(() => {
        view.messages.scrollTop = view.messages.scrollHeight;
      });
    }
  }

  function renderKeyboard(view, keyboard) {
    const key = JSON.stringify(keyboard || null);
    if (key === view.keyboardKey) return;
    view.keyboardKey = key;
    view.keyboard = keyboard;
    view.replyKb.replaceChildren();
    view.input.placeholder = (keyboard && keyboard.input_field_placeholder) || t("placeholder");
    scrollToEnd(view, view.stick); // the chat area changes height with the keyboard
    if (!keyboard || !keyboard.keyboard) {
      view.replyKb.hidden = true;
      return;
    }
    for (const row of keyboard.keyboard) {
      const rowNode = el("div", { class: "rkb-row" });
      for (const button of row) {
        const label = typeof button === "string" ? button : button.text;
        rowNode.append(
          el("button", { type: "button", class: "rkb-btn", onclick: () => tapKeyboardButton(view, button) }, label),
        );
      }
      view.replyKb.append(rowNode);
    }
    view.replyKb.hidden = false;
  }

  function toast(view, text, alert) {
    if (alert) {
      const box = el(
        "div",
        { class: "toast alert", role: "alertdialog" },
        el("div", { class: "toast-text" }, text),
        el("button", { type: "button", onclick: () => box.remove() }, t("ok")),
      );
      view.toasts.append(box);
      return;
    }
    const box = el("div", { class: "toast", role: "status" }, text);
    view.toasts.append(box);
    setTimeout(() => box.classList.add("fade"), 2200);
    setTimeout(() => box.remove(), 2700);
  }

  // -- polling ------------------------------------------------------------------------------

  function schedulePoll(delay) {
    if (app.polling) {
      app.pollAgain = true;
      return;
    }
    clearTimeout(app.pollTimer);
    app.pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    app.polling = true;
    try {
      const cursors = app.order.map((key) => {
        const view = app.chats.get(key);
        return `${view.person.user_id}.${view.rev}.${view.answersSeen}`;
      });
      const body = await api(`/demo/api/poll?chats=${cursors.join(",")}`);
      document.body.classList.remove("offline");
      for (const key of app.order) {
        const view = app.chats.get(key);
        const state = body.chats[String(view.person.user_id)];
        if (!state) continue;
        view.exists = true;
        if (state.messages.length) applyMessages(view, state.messages);
        view.rev = state.rev;
        renderKeyboard(view, state.keyboard);
        // after a reload, presses answered long ago are history, not news
        if (view.primed) for (const answer of state.answers) toast(view, answer.text, answer.show_alert);
        view.primed = true;
        view.answersSeen = state.answers_seen;
        renderStartBar(view);
      }
      showClock(body.clock, false);
      if (body.commands_ready && !Object.keys(app.commands).length) refreshCommands();
    } catch (error) {
      document.body.classList.add("offline");
    } finally {
      app.polling = false;
    }
    const again = app.pollAgain;
    app.pollAgain = false;
    schedulePoll(again ? 50 : document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  // -- clock --------------------------------------------------------------------------------

  function showClock(clock, force) {
    if (!clock) return;
    const changed = !app.clock || app.clock.today !== clock.today;
    app.clock = clock;
    const input = document.getElementById("clock-date");
    if (force || (changed && document.activeElement !== input)) input.value = clock.today;
    document.body.classList.toggle("clock-shifted", !!clock.shifted);
  }

  function clockStatus(text) {
    const box = document.getElementById("clock-status");
    box.textContent = text;
    box.hidden = !text;
  }

  const SWEEP_NAMES = {
    leave_overdue: ["请假审批超时", "overdue leave steps"],
    removal: ["免职预警", "removal warnings"],
    daily_nudge: ["签到提醒", "check-in nudges"],
    weekly: ["每周提醒", "weekly reminders"],
    monthly_review: ["月度考勤", "monthly review"],
    quarterly_sheets: ["季度报表", "quarterly sheets"],
    assessment: ["年度考核", "assessment"],
  };

  function sweepName(name) {
    const names = SWEEP_NAMES[name];
    if (!names) return name;
    return app.lang === "en" ? names[1] : names[0];
  }

  async function runClock(dateText) {
    const button = document.getElementById("clock-run");
    button.disabled = true;
    try {
      const body = await post("/demo/api/clock", { date: dateText });
      showClock(body.clock, true);
      const report = body.report;
      if (!dateText) {
        clockStatus(t("clock_reset_done", { day: body.clock.today }));
      } else if (report.available) {
        const planned = Object.entries(report.planned || {}).filter(([, n]) => n > 0);
        const sweeps = planned.length
          ? planned.map(([name, n]) => `${sweepName(name)} ×${n}`).join(app.lang === "en" ? ", " : "、")
          : t("clock_none");
        const problem = report.detail ? ` ⚠️ ${report.detail}` : "";
        clockStatus(t("clock_ran", { day: report.day, sweeps, sent: report.sent }) + problem);
      } else {
        clockStatus(t("clock_unavailable", { day: report.day, detail: report.detail }));
      }
    } catch (error) {
      clockStatus(t("send_failed", { error: error.message }));
    } finally {
      button.disabled = false;
      schedulePoll(150);
    }
  }

  // -- language -----------------------------------------------------------------------------

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
})();
