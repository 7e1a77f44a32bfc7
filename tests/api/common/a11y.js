// An accessibility audit of the page shown, run in the browser by tests/browser.rs.
// Returns a list of problems (empty when the page passes). It checks what a screen reader and a
// keyboard user depend on, and what WCAG 2.1 AA asks of text contrast:
//   - <html lang="vi">, a <title>, exactly one <h1> in <main>, heading levels that never skip;
//   - every form control has an accessible name (a <label>, aria-label or aria-labelledby);
//   - every visible link and button has text; every <img> has alt; every <svg> is role="img"
//     with a name, or hidden from assistive technology;
//   - ids are unique (labels and aria-labelledby point at one element); no positive tabindex
//     (which would break the focus order);
//   - text contrast against its composited background: 4.5:1, or 3:1 for large text.
(() => {
  const problems = [];
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += "#" + el.id;
    if (el.getAttribute("name")) d += "[name=" + el.getAttribute("name") + "]";
    if (typeof el.className === "string" && el.className.trim()) d += "." + el.className.trim().split(/\s+/).join(".");
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return text ? `${d} “${text}”` : d;
  };
  const shown = (el) => {
    const s = getComputedStyle(el);
    if (s.display === "none" || s.visibility === "hidden") return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const byIds = (ids) =>
    (ids || "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => (document.getElementById(id) || {}).textContent || "")
      .join(" ")
      .trim();
  const accessibleName = (el) =>
    (el.getAttribute("aria-label") || "").trim() ||
    byIds(el.getAttribute("aria-labelledby")) ||
    (el.labels ? [...el.labels].map((l) => l.textContent).join(" ").trim() : "") ||
    (el.getAttribute("title") || "").trim();

  if (document.documentElement.lang !== "vi") problems.push(`<html lang="${document.documentElement.lang}">, not vi`);
  if (!document.title.trim()) problems.push("no <title>");
  const h1 = document.querySelectorAll("main h1");
  if (h1.length !== 1) problems.push(`${h1.length} <h1> in <main>, expected 1`);
  let level = 1;
  for (const h of document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6")) {
    const l = Number(h.tagName[1]);
    if (l > level + 1) problems.push(`heading skips from h${level} to ${describe(h)}`);
    level = l;
  }

  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button", "reset", "image"].includes(el.type)) continue;
    if (!accessibleName(el)) problems.push("form control without a label: " + describe(el));
  }
  for (const el of document.querySelectorAll("a[href], button, input[type=submit], input[type=button]")) {
    // Rendered, even with no size: an empty link still takes the focus.
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const text =
      (el.textContent || "").trim() ||
      (el.value || "").trim() ||
      accessibleName(el) ||
      [...el.querySelectorAll("img[alt]")].map((i) => i.alt).join("").trim();
    if (!text) problems.push("link or button without text: " + describe(el));
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push("<img> without alt: " + img.getAttribute("src"));
  }
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.closest("[aria-hidden=true]") || svg.parentElement.closest("svg")) continue;
    const named = svg.getAttribute("aria-label") || svg.getAttribute("aria-labelledby") || svg.querySelector("title");
    if (svg.getAttribute("role") !== "img" || !named) problems.push("<svg> without role=img and a name: " + describe(svg));
  }
  const seen = new Set();
  for (const el of document.querySelectorAll("[id]")) {
    if (seen.has(el.id)) problems.push("duplicate id: " + el.id);
    seen.add(el.id);
  }
  for (const el of document.querySelectorAll("[tabindex]")) {
    if (Number(el.getAttribute("tabindex")) > 0) problems.push("positive tabindex: " + describe(el));
  }

  // Contrast. Colours as Chromium computes them: rgb()/rgba().
  const rgba = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => under.map((v, i) => top[i] * top[3] + v * (1 - top[3]));
  // The background behind an element: its own and its ancestors' colours composited over white;
  // null when an image or gradient is involved (not measurable this way).
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== "none") return null;
      const c = rgba(s.backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255]);
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const reported = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!ownText || !shown(el) || el.closest("svg, option, [disabled]")) continue;
    const s = getComputedStyle(el);
    if (s.clip === "rect(0px, 0px, 0px, 0px)" || s.clipPath === "inset(50%)") continue;
    const bg = background(el);
    const fg = rgba(s.color);
    if (!bg || !fg) continue;
    const a = luminance(over(fg, bg));
    const b = luminance(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const key = `${s.color} on ${bg.map(Math.round)}`;
    if (ratio < needed && !reported.has(key)) {
      reported.add(key);
      problems.push(`contrast ${ratio.toFixed(2)}:1 < ${needed}:1 (${key}): ${describe(el)}`);
    }
  }
  return problems.slice(0, 30);
})()
