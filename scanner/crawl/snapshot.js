// In-page collector: returns plain JSON describing the rendered page. It runs in an isolated
// world (visit.py), with built-ins no page script can have replaced, and reads the DOM the page
// shares with it; the page's own variables (the dataLayer) are read apart (datalayer.js).
// Fixture annotations (data-expect*) are reported under `expectations` and removed from every
// attribute list and snippet, so rules can never see them.
() => {
  const KEPT_ATTRS = new Set([
    "id", "class", "name", "type", "role", "href", "title", "value", "aria-label",
    "data-action", "data-testid", "data-test", "data-track", "data-product-id", "data-sku",
    "download", "target", "rel", "onclick", "action", "formaction", "disabled", "hidden",
  ]);
  // Boolean attributes are recorded with their own name as value, so patterns can match them.
  const BOOLEAN_ATTRS = new Set(["disabled", "hidden", "download"]);
  const CANDIDATES = [
    "a[href]", "button", "input[type=submit]", "input[type=button]", "input[type=image]",
    "[role=button]", "[role=link]", "[onclick]", "summary",
  ].join(",");
  // Bounds, so that a page of 200,000 buttons is read in seconds and a small record: the first
  // ones in document order are kept, and the record says what was cut.
  const MAX = { elements: 5000, forms: 500, fields: 200, frames: 500, links: 5000 };
  const cuts = [];
  const bounded = (what, list) => {
    if (list.length > MAX[what]) cuts.push(`${what}: ${list.length} found, the first ${MAX[what]} kept`);
    return list.slice(0, MAX[what]);
  };
  const LANDMARKS = {
    NAV: "nav", HEADER: "header", FOOTER: "footer", MAIN: "main", ASIDE: "aside",
  };
  const ROLE_LANDMARKS = {
    navigation: "nav", banner: "header", contentinfo: "footer", main: "main",
    complementary: "aside",
  };

  const clean = (s, max = 200) => (s || "").replace(/\s+/g, " ").trim().slice(0, max);
  const cssEscape = (s) => CSS.escape(s);

  const isVisible = (el) => {
    if (!el.isConnected) return false;
    if (typeof el.checkVisibility === "function" &&
        !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };

  // Remembered: on a page of many alike controls the same selector is asked again and again.
  const uniqueness = new Map();
  const isUnique = (sel) => {
    if (!uniqueness.has(sel)) {
      let unique = false;
      try { unique = document.querySelectorAll(sel).length === 1; } catch (e) { unique = false; }
      uniqueness.set(sel, unique);
    }
    return uniqueness.get(sel);
  };

  // An element's place among its parent's children of its tag, and how many there are (each
  // parent's children are indexed once: a parent may have thousands).
  const siblingIndexes = new Map();
  const placeAmongSame = (node) => {
    const parent = node.parentElement;
    if (!siblingIndexes.has(parent)) {
      const places = new Map();
      const counts = {};
      for (const child of parent.children) {
        counts[child.tagName] = (counts[child.tagName] || 0) + 1;
        places.set(child, counts[child.tagName]);
      }
      siblingIndexes.set(parent, { places, counts });
    }
    const { places, counts } = siblingIndexes.get(parent);
    return [places.get(node), counts[node.tagName]];
  };

  // Ids and classes that look generated (hashes, long digit runs) make selectors that break on
  // the next deploy; they are skipped.
  const stableToken = (t) => t && t.length <= 40 && !/\d{4,}|[a-f0-9]{8,}|^\d|[:[\]]/.test(t) &&
    !/^(css|sc|jsx|svelte|ng|v|ember)-/.test(t);

  // Read ids as attributes: a form's `id` property is its control named "id", if it has one.
  const idOf = (el) => el.getAttribute("id") || "";

  const selectorFor = (el) => {
    const tag = el.tagName.toLowerCase();
    const id = idOf(el);
    if (id && stableToken(id) && isUnique("#" + cssEscape(id))) {
      return "#" + cssEscape(id);
    }
    for (const attr of ["data-testid", "data-test", "name", "aria-label"]) {
      const v = el.getAttribute(attr);
      if (v && v.length <= 60) {
        const sel = `${tag}[${attr}="${v.replace(/["\\]/g, "\\$&")}"]`;
        if (isUnique(sel)) return sel;
      }
    }
    if (tag === "a") {
      const href = el.getAttribute("href");
      if (href && href.length <= 100) {
        const sel = `a[href="${href.replace(/["\\]/g, "\\$&")}"]`;
        if (isUnique(sel)) return sel;
      }
    }
    const classes = Array.from(el.classList).filter(stableToken).slice(0, 3);
    if (classes.length) {
      const sel = tag + classes.map((c) => "." + cssEscape(c)).join("");
      if (isUnique(sel)) return sel;
    }
    // Fall back to a path of :nth-of-type steps from the closest ancestor with a stable id.
    const steps = [];
    let node = el;
    while (node && node.nodeType === 1 && node !== document.documentElement) {
      const t = node.tagName.toLowerCase();
      const nodeId = idOf(node);
      if (node !== el && nodeId && stableToken(nodeId) && isUnique("#" + cssEscape(nodeId))) {
        steps.unshift("#" + cssEscape(nodeId));
        break;
      }
      const parent = node.parentElement;
      if (!parent) { steps.unshift(t); break; }
      const [place, count] = placeAmongSame(node);
      steps.unshift(count > 1 ? `${t}:nth-of-type(${place})` : t);
      node = parent;
    }
    return steps.join(" > ");
  };

  const attrsOf = (el) => {
    const out = {};
    for (const a of Array.from(el.attributes)) {
      if (a.name.startsWith("data-expect")) continue;
      if (KEPT_ATTRS.has(a.name) || a.name.startsWith("aria-") || a.name.startsWith("data-")) {
        out[a.name] = clean(a.value, 200) || (BOOLEAN_ATTRS.has(a.name) ? a.name : "");
      }
    }
    return out;
  };

  const openingTag = (el) => {
    const parts = [el.tagName.toLowerCase()];
    for (const a of Array.from(el.attributes)) {
      if (a.name.startsWith("data-expect") || a.name === "style") continue;
      parts.push(`${a.name}="${clean(a.value, 80)}"`);
    }
    return `<${parts.join(" ")}>`;
  };
  const snippetOf = (el) => clean(openingTag(el) + clean(el.innerText || el.textContent, 120), 300);

  const textById = (ids) => ids.split(/\s+/).map((id) => {
    const n = document.getElementById(id);
    return n ? n.textContent : "";
  }).join(" ");

  // Accessible name, simplified from the ARIA algorithm: aria-labelledby, aria-label, the
  // element's text (which includes visually hidden text), the alt of an image inside, value of
  // input buttons, then title.
  const accessibleName = (el) => {
    const labelledby = el.getAttribute("aria-labelledby");
    if (labelledby && clean(textById(labelledby))) return clean(textById(labelledby));
    if (clean(el.getAttribute("aria-label"))) return clean(el.getAttribute("aria-label"));
    if (el.tagName === "INPUT") {
      return clean(el.value || el.getAttribute("alt") || el.getAttribute("title"));
    }
    const text = clean(el.textContent);
    if (text) return text;
    const img = el.querySelector("img[alt], svg[aria-label], [aria-label]");
    if (img) return clean(img.getAttribute("alt") || img.getAttribute("aria-label"));
    const svgTitle = el.querySelector("svg title");
    if (svgTitle) return clean(svgTitle.textContent);
    return clean(el.getAttribute("title"));
  };

  const landmarkOf = (el) => {
    for (let n = el.parentElement; n; n = n.parentElement) {
      if (LANDMARKS[n.tagName]) return LANDMARKS[n.tagName];
      const role = n.getAttribute("role");
      if (role && ROLE_LANDMARKS[role]) return ROLE_LANDMARKS[role];
    }
    return "";
  };

  const labelOf = (field) => {
    const labelledby = field.getAttribute("aria-labelledby");
    if (labelledby) return clean(textById(labelledby));
    if (field.labels && field.labels.length) return clean(field.labels[0].textContent);
    return clean(field.getAttribute("aria-label") || field.getAttribute("placeholder") ||
      field.getAttribute("title"));
  };

  // The nearest heading or legend before `el` within a few ancestors: tells a newsletter box
  // ("Join our newsletter") from a contact form without reading the whole page.
  const headingBefore = (el) => {
    const inside = el.querySelector("legend, h1, h2, h3, h4, h5, h6");
    if (inside) return clean(inside.textContent);
    let node = el;
    for (let level = 0; level < 3 && node; level++) {
      for (let sib = node.previousElementSibling; sib; sib = sib.previousElementSibling) {
        if (/^H[1-6]$/.test(sib.tagName)) return clean(sib.textContent);
        const h = sib.querySelector && sib.querySelector("h1, h2, h3, h4, h5, h6");
        if (h) return clean(h.textContent);
      }
      node = node.parentElement;
    }
    return "";
  };

  const absolute = (url) => {
    try { return new URL(url, document.baseURI).href; } catch (e) { return ""; }
  };

  const listOf = (value) => clean(value, 500).split(/[\s,]+/).filter(Boolean);

  // --- expectations (fixtures only) ---
  const expectations = {
    page: listOf(document.body && document.body.getAttribute("data-expect-page")),
    page_not: listOf(document.body && document.body.getAttribute("data-expect-page-not")),
    business_type: clean(
      (document.querySelector('meta[name="scanner-expect-type"]') || { content: "" }).content),
    elements: [],
  };

  // --- forms ---
  const formEls = bounded("forms", Array.from(
    document.querySelectorAll("form, [role=form], [role=search]"))
    .filter((f) => f.tagName === "FORM" || !f.closest("form")));
  // A <form>'s controls are the ones it owns, not only those inside it: a form the parser
  // moved out of a <table> is left empty beside its inputs, and form="id" reaches outside it.
  const SUBMIT = "button:not([type=button]):not([type=reset]), input[type=submit], input[type=image]";
  // (read through the prototype of the form's own window: a field named "elements" would stand
  // in for the list)
  const ownedBy = (f) => {
    if (f.tagName !== "FORM") return Array.from(f.querySelectorAll("input, select, textarea, button"));
    const view = f.ownerDocument.defaultView || window;
    const elements = Object.getOwnPropertyDescriptor(view.HTMLFormElement.prototype, "elements");
    return Array.from(elements.get.call(f));
  };
  const formRecord = (f) => {
    const owned = ownedBy(f);
    const controls = owned
      .filter((c) => ["INPUT", "SELECT", "TEXTAREA"].includes(c.tagName))
      .filter((c) => !["hidden", "submit", "button", "image", "reset"].includes(c.type))
      .slice(0, MAX.fields);
    // its own submit first (one inside may belong to another form by form="id")
    const submit = owned.find((c) => c.matches(SUBMIT)) || f.querySelector(SUBMIT) || null;
    return {
      selector: selectorFor(f),
      id: idOf(f),
      name: f.getAttribute("name") || "",
      action: f.hasAttribute("action") ? absolute(f.getAttribute("action")) : "",
      method: (f.getAttribute("method") || "get").toLowerCase(),
      classes: clean(f.getAttribute("class")),
      role: f.getAttribute("role") || "",
      fields: controls.map((c) => ({
        tag: c.tagName.toLowerCase(),
        type: c.tagName === "INPUT" ? (c.getAttribute("type") || "text").toLowerCase()
          : c.tagName.toLowerCase(),
        name: c.getAttribute("name") || "",
        id: idOf(c),
        label: labelOf(c),
        autocomplete: c.getAttribute("autocomplete") || "",
        required: c.required || c.getAttribute("aria-required") === "true",
        visible: isVisible(c),
      })),
      submit_text: submit ? accessibleName(submit) : "",
      heading: headingBefore(f),
      visible: isVisible(f) || controls.some(isVisible),
      landmark: landmarkOf(f),
      snippet: clean(openingTag(f), 300),
    };
  };
  const forms = formEls.map(formRecord);
  // The form a control belongs to: its form owner, none when its form="id" names no form, or
  // else the role=form or role=search element around it.
  const formOf = (el) => {
    const owner = el.form;
    if (owner && owner.tagName === "FORM") return owner;
    if (owner === null && el.hasAttribute("form")) return null;
    return el.closest("form, [role=form], [role=search]");
  };

  // --- clickable candidates, in the document and in open shadow roots ---
  // A control inside a shadow root gets its host's selector: that is the element a click
  // reaches at document level, where GTM listens.
  const inShadow = [];
  const walkShadows = (root, host) => {
    for (const node of root.querySelectorAll("*")) {
      if (node.shadowRoot) {
        const outer = host || node;
        for (const el of node.shadowRoot.querySelectorAll(CANDIDATES)) inShadow.push([el, outer]);
        walkShadows(node.shadowRoot, outer);
      }
    }
  };
  walkShadows(document, null);
  const elements = [];
  const seen = new Set();
  const candidates = bounded("elements", [
    ...Array.from(document.querySelectorAll(CANDIDATES), (el) => [el, null]), ...inShadow]);
  const elementRecord = (el, host, form) => {
    const tag = el.tagName.toLowerCase();
    return {
      tag,
      text: accessibleName(el),
      role: el.getAttribute("role") || "",
      attrs: attrsOf(el),
      href: tag === "a" ? absolute(el.getAttribute("href")) : "",
      visible: isVisible(el),
      landmark: landmarkOf(host || el),
      form,
      selector: host ? selectorFor(host) : selectorFor(el),
      snippet: snippetOf(el),
    };
  };
  for (const [el, host] of candidates) {
    if (seen.has(el) || el.closest("template")) continue;
    seen.add(el);
    const formEl = host ? null : formOf(el);
    elements.push(elementRecord(el, host, formEl ? formEls.indexOf(formEl) : -1));
  }

  // --- same-origin iframes: their forms and controls, marked with landmark "iframe" and the
  // iframe's selector (clicks inside a frame never reach the page's GTM) ---
  // a frame showing this very page (a lazy embed's src="#" placeholder) adds nothing of its own
  const unhashed = (url) => url.split("#")[0];
  const thisPage = unhashed(document.URL);
  for (const iframe of document.querySelectorAll("iframe")) {
    let doc = null;
    try { doc = iframe.contentDocument; } catch (e) { doc = null; }
    if (!doc || !doc.body || !doc.body.children.length) continue;
    if (unhashed(doc.URL) === thisPage) continue;
    const framed = (record) => ({...record, selector: selectorFor(iframe), landmark: "iframe"});
    const frameForms = Array.from(doc.querySelectorAll("form"));
    const offset = forms.length;
    forms.push(...frameForms.map((f) => framed(formRecord(f))));
    for (const el of doc.querySelectorAll(CANDIDATES)) {
      if (elements.length >= MAX.elements) break;
      const formEl = formOf(el);
      elements.push(framed(elementRecord(el, null,
        formEl ? offset + frameForms.indexOf(formEl) : -1)));
    }
  }

  // --- frames, media and external scripts (vendors: chat, scheduling, form builders) ---
  const seenScripts = new Set();
  const externalScripts = Array.from(document.querySelectorAll("script[src]")).filter((s) => {
    const src = absolute(s.getAttribute("src"));
    if (!src || seenScripts.has(src)) return false;
    seenScripts.add(src);
    return true;
  });
  const embeds = bounded("frames",
    [...document.querySelectorAll("iframe, video, audio"), ...externalScripts]);
  // A lazy embed holds a placeholder ("#", about:blank) until its script swaps data-src in.
  const placeholder = (src) => !src || src === "#" || /^(about:blank|javascript:|data:)/i.test(src);
  const embedSource = (el) => {
    const own = el.getAttribute("src");
    const src = !placeholder(own) ? own : el.getAttribute("data-src") ||
      el.getAttribute("data-lazy-src") || (el.querySelector("source") || { src: "" }).src;
    return src ? absolute(src) : "";
  };
  const frames = embeds.map((el) => ({
    tag: el.tagName.toLowerCase(),
    src: embedSource(el),
    title: clean(el.getAttribute("title")),
    selector: selectorFor(el),
    visible: isVisible(el),
  })).filter((f) => f.src);

  // --- annotations: element expectations, then strip them from the DOM ---
  const annotated = "[data-expect], [data-expect-not], [data-expect-todo]";
  for (const el of document.querySelectorAll(annotated)) {
    expectations.elements.push({
      selector: selectorFor(el),
      expect: listOf(el.getAttribute("data-expect")),
      expect_not: listOf(el.getAttribute("data-expect-not")),
      expect_todo: listOf(el.getAttribute("data-expect-todo")),
    });
  }

  // --- page facts ---
  const jsonldTypes = new Set();
  // Products the page describes (JSON-LD or microdata): what a dataLayer push would send.
  const products = [];
  const text = (value) => (typeof value === "string" || typeof value === "number")
    ? clean(String(value), 120) : "";
  const nameOf = (value) => text(value && typeof value === "object" ? value.name : value);
  const isProduct = (t) => (Array.isArray(t) ? t : [t]).some((x) => x === "Product");
  const addProduct = (item) => {
    if (products.length < 5 && item.name) products.push(item);
  };
  const fromJsonld = (node) => {
    const offers = [].concat(node.offers || []);
    const offer = offers.find((o) => o && typeof o === "object") || {};
    addProduct({
      name: text(node.name),
      sku: text(node.sku || node.productID || node.mpn || node.gtin13 || node.gtin),
      price: text(offer.price !== undefined ? offer.price : offer.lowPrice),
      currency: text(offer.priceCurrency),
      brand: nameOf(node.brand),
      category: text(node.category),
    });
  };
  const collectTypes = (node) => {
    if (Array.isArray(node)) { node.forEach(collectTypes); return; }
    if (node && typeof node === "object" && isProduct(node["@type"])) fromJsonld(node);
    if (!node || typeof node !== "object") return;
    const t = node["@type"];
    (Array.isArray(t) ? t : [t]).forEach((x) => { if (typeof x === "string") jsonldTypes.add(x); });
    Object.values(node).forEach(collectTypes);
  };
  for (const s of document.querySelectorAll('script[type="application/ld+json"]')) {
    try { collectTypes(JSON.parse(s.textContent)); } catch (e) { /* invalid JSON-LD */ }
  }
  const prop = (scope, name) => {
    const el = scope.querySelector(`[itemprop="${name}"]`);
    return el ? clean(el.getAttribute("content") || el.textContent, 120) : "";
  };
  for (const el of document.querySelectorAll("[itemtype]")) {
    const m = /schema\.org\/([A-Za-z]+)/.exec(el.getAttribute("itemtype"));
    if (m) jsonldTypes.add(m[1]);
    if (m && m[1] === "Product" && !products.length) {
      addProduct({
        name: prop(el, "name"), sku: prop(el, "sku"), price: prop(el, "price"),
        currency: prop(el, "priceCurrency"), brand: prop(el, "brand"), category: prop(el, "category"),
      });
    }
  }

  const meta = {};
  for (const m of document.querySelectorAll("meta[property], meta[name]")) {
    const key = (m.getAttribute("property") || m.getAttribute("name")).toLowerCase();
    if (["og:type", "generator", "description", "og:site_name", "og:url"].includes(key)) {
      meta[key] = clean(m.getAttribute("content"), 200);
    }
  }
  // the address the site gives its page: a saved or mirrored copy still knows its own site
  const canonical = document.querySelector('link[rel~="canonical" i][href]');
  if (canonical) meta.canonical = clean(absolute(canonical.getAttribute("href")), 200);
  if (document.querySelector("base[href]")) meta.base = clean(document.baseURI, 200);

  // --- existing tracking: ids in script addresses and inline code ---
  const scriptText = Array.from(document.scripts)
    .map((s) => s.src || (s.textContent || "").slice(0, 50000)).join("\n");
  const ids = (pattern, group = 0) => Array.from(new Set(
    Array.from(scriptText.matchAll(pattern), (m) => m[group]))).sort();
  const tracking = {
    gtm: ids(/\bGTM-[A-Z0-9]{4,9}\b/g),
    ga4: ids(/\bG-[A-Z0-9]{6,12}\b/g),
    google_ads: ids(/\bAW-\d{6,12}\b/g),
    universal_analytics: ids(/\bUA-\d{4,10}-\d{1,4}\b/g),
    meta_pixel: ids(/fbq\(\s*['"]init['"]\s*,\s*['"](\d{10,20})['"]/g, 1),
  };

  const links = bounded("links", Array.from(new Set(
    Array.from(document.querySelectorAll("a[href], area[href]"))
      .map((a) => absolute(a.getAttribute("href"))).filter(Boolean))).sort());

  return {
    title: clean(document.title),
    text_length: (document.body && document.body.innerText || "").length,
    lang: clean(document.documentElement.getAttribute("lang"), 20),
    meta,
    jsonld_types: Array.from(jsonldTypes).sort(),
    products,
    elements,
    forms,
    frames,
    links,
    tracking,
    expectations,
    cuts,
  };
}
