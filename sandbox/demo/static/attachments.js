// The attach menu's two offers: a location picked on a small map of the village, and a sample
// photo drawn on the spot.

import { app } from "./state.js";
import { t } from "./labels.js";
import { hidePopups } from "./panel.js";
import { act } from "./acting.js";

const MAP_HALF_M = 3500; // the map shows the village centre ± 3.5 km
// The bot's own figures (domain/geo.py): a sphere of 6,371,008.8 m and the haversine
// distance, so the bubble says the metres the bot will answer with.
const EARTH_RADIUS_M = 6371008.8;
const M_PER_DEG_LAT = (EARTH_RADIUS_M * Math.PI) / 180;

function metersPerDegLon(lat) {
  return M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
}

export function distanceM(home, lat, lon) {
  const rad = Math.PI / 180;
  const p1 = home.lat * rad;
  const p2 = lat * rad;
  const h =
    Math.sin((p2 - p1) / 2) ** 2 +
    Math.cos(p1) * Math.cos(p2) * Math.sin(((lon - home.lon) * rad) / 2) ** 2;
  return Math.round(2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h))));
}

export function setupLocationPicker(view) {
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
export function samplePhoto(person) {
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
