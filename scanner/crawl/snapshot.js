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
  const MAX = {
    elements: 5000, forms: 500, fields: 200, frames: 500, links: 5000, boxes: 100, scripted: 300,
    examined: 50000,
  };
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

  // The DOM is read through its prototypes wherever a form can be the receiver: a form's member
  // of a name is its field of that name (<input name="getAttribute">), in this isolated world
  // too (the document's named forms and images show only in the page's own world). The
  // prototypes of this world serve the elements of same-origin frames too.
  const own = (proto, name) => Object.getOwnPropertyDescriptor(proto, name);
  const method = (proto, name) => {
    const call = own(proto, name).value;
    return (node, ...args) => call.apply(node, args);
  };
  const getter = (proto, name) => {
    const get = own(proto, name).get;
    return (node) => get.call(node);
  };
  const E = Element.prototype, N = Node.prototype, D = Document.prototype;
  const tagOf = getter(E, "tagName");
  const attr = method(E, "getAttribute");
  const hasAttr = method(E, "hasAttribute");
  const attributesOf = getter(E, "attributes");
  const classesOf = getter(E, "classList");
  const closestOf = method(E, "closest");
  const matchesOf = method(E, "matches");
  const childrenOf = getter(E, "children");
  const previousOf = getter(E, "previousElementSibling");
  const parentOf = getter(N, "parentElement");
  const textOf = getter(N, "textContent");
  const kindOf = getter(N, "nodeType");
  const connected = getter(N, "isConnected");
  const boxOf = method(E, "getBoundingClientRect");
  const checkVisibility = own(E, "checkVisibility") ? method(E, "checkVisibility") : null;
  const innerTextOf = (el) => {
    try { return getter(HTMLElement.prototype, "innerText")(el); } catch (e) { return textOf(el); }
  };
  // querySelectorAll and querySelector of a document, an element or a shadow root
  const SEARCHES = { 1: E, 9: D, 11: DocumentFragment.prototype };
  const all = (root, sel) => SEARCHES[kindOf(root)].querySelectorAll.call(root, sel);
  const first = (root, sel) => SEARCHES[kindOf(root)].querySelector.call(root, sel);
  const docBody = getter(D, "body")(document);
  const docRoot = getter(D, "documentElement")(document);

  const clean = (s, max = 200) => (typeof s === "string" ? s : "").replace(/\s+/g, " ").trim().slice(0, max);
  const cssEscape = (s) => CSS.escape(s);

  const isVisible = (el) => {
    if (!connected(el)) return false;
    if (checkVisibility &&
        !checkVisibility(el, { checkOpacity: true, checkVisibilityCSS: true })) return false;
    const r = boxOf(el);
    return r.width > 0 && r.height > 0;
  };

  // Remembered: on a page of many alike controls the same selector is asked again and again.
  const uniqueness = new Map();
  const isUnique = (sel) => {
    if (!uniqueness.has(sel)) {
      let unique = false;
      try { unique = all(document, sel).length === 1; } catch (e) { unique = false; }
      uniqueness.set(sel, unique);
    }
    return uniqueness.get(sel);
  };

  // An element's place among its parent's children of its tag, and how many there are (each
  // parent's children are indexed once: a parent may have thousands).
  const siblingIndexes = new Map();
  const placeAmongSame = (node) => {
    const parent = parentOf(node);
    if (!siblingIndexes.has(parent)) {
      const places = new Map();
      const counts = {};
      for (const child of childrenOf(parent)) {
        const tag = tagOf(child);
        counts[tag] = (counts[tag] || 0) + 1;
        places.set(child, counts[tag]);
      }
      siblingIndexes.set(parent, { places, counts });
    }
    const { places, counts } = siblingIndexes.get(parent);
    return [places.get(node), counts[tagOf(node)]];
  };

  // Ids and classes that look generated (hashes, long digit runs) make selectors that break on
  // the next deploy; they are skipped.
  const stableToken = (t) => t && t.length <= 40 && !/\d{4,}|[a-f0-9]{8,}|^\d|[:[\]]/.test(t) &&
    !/^(css|sc|jsx|svelte|ng|v|ember)-/.test(t);

  const idOf = (el) => attr(el, "id") || "";

  const selectorFor = (el) => {
    const tag = tagOf(el).toLowerCase();
    const id = idOf(el);
    if (id && stableToken(id) && isUnique("#" + cssEscape(id))) {
      return "#" + cssEscape(id);
    }
    for (const name of ["data-testid", "data-test", "name", "aria-label"]) {
      const v = attr(el, name);
      if (v && v.length <= 60) {
        const sel = `${tag}[${name}="${v.replace(/["\\]/g, "\\$&")}"]`;
        if (isUnique(sel)) return sel;
      }
    }
    if (tag === "a") {
      const href = attr(el, "href");
      if (href && href.length <= 100) {
        const sel = `a[href="${href.replace(/["\\]/g, "\\$&")}"]`;
        if (isUnique(sel)) return sel;
      }
    }
    const classes = Array.from(classesOf(el)).filter(stableToken).slice(0, 3);
    if (classes.length) {
      const sel = tag + classes.map((c) => "." + cssEscape(c)).join("");
      if (isUnique(sel)) return sel;
    }
    // Fall back to a path of :nth-of-type steps from the closest ancestor with a stable id.
    const steps = [];
    let node = el;
    while (node && kindOf(node) === 1 && node !== docRoot) {
      const t = tagOf(node).toLowerCase();
      const nodeId = idOf(node);
      if (node !== el && nodeId && stableToken(nodeId) && isUnique("#" + cssEscape(nodeId))) {
        steps.unshift("#" + cssEscape(nodeId));
        break;
      }
      const parent = parentOf(node);
      if (!parent) { steps.unshift(t); break; }
      const [place, count] = placeAmongSame(node);
      steps.unshift(count > 1 ? `${t}:nth-of-type(${place})` : t);
      node = parent;
    }
    return steps.join(" > ");
  };

  const attrsOf = (el) => {
    const out = {};
    for (const a of Array.from(attributesOf(el))) {
      if (a.name.startsWith("data-expect")) continue;
      if (KEPT_ATTRS.has(a.name) || a.name.startsWith("aria-") || a.name.startsWith("data-")) {
        out[a.name] = clean(a.value, 200) || (BOOLEAN_ATTRS.has(a.name) ? a.name : "");
      }
    }
    return out;
  };

  const openingTag = (el) => {
    const parts = [tagOf(el).toLowerCase()];
    for (const a of Array.from(attributesOf(el))) {
      if (a.name.startsWith("data-expect") || a.name === "style") continue;
      parts.push(`${a.name}="${clean(a.value, 80)}"`);
    }
    return `<${parts.join(" ")}>`;
  };
  const snippetOf = (el) => clean(openingTag(el) + clean(innerTextOf(el) || textOf(el), 120), 300);

  const textById = (ids) => ids.split(/\s+/).map((id) => {
    const n = D.getElementById.call(document, id);
    return n ? textOf(n) : "";
  }).join(" ");

  // Accessible name, simplified from the ARIA algorithm: aria-labelledby, aria-label, the
  // element's text (which includes visually hidden text), the alt of an image inside, value of
  // input buttons, then title.
  const accessibleName = (el) => {
    const labelledby = attr(el, "aria-labelledby");
    if (labelledby && clean(textById(labelledby))) return clean(textById(labelledby));
    if (clean(attr(el, "aria-label"))) return clean(attr(el, "aria-label"));
    if (tagOf(el) === "INPUT") {
      return clean(el.value || attr(el, "alt") || attr(el, "title"));
    }
    if (tagOf(el) === "IMG") return clean(attr(el, "alt") || attr(el, "title"));
    const text = clean(textOf(el));
    if (text) return text;
    const img = first(el, "img[alt], svg[aria-label], [aria-label]");
    if (img) return clean(attr(img, "alt") || attr(img, "aria-label"));
    const svgTitle = first(el, "svg title");
    if (svgTitle) return clean(textOf(svgTitle));
    return clean(attr(el, "title"));
  };

  // A menu built of divs, lists and tables names itself (id="menu_header", class="gnb"): with no
  // landmark around it, its links are the navigation's. A whole id or class says so, below the
  // body (a theme's body classes, "no-nav" or "html_main_nav_header", name the page, not a menu).
  const MENU_NAME = /^((main|top|sub|mega|site|primary|header|global)[-_]?)?(nav|navbar|navigation|menu|menus|gnb|lnb)([-_](header|bar|wrap|wrapper|container|list|items?|main|top))?$/i;
  const namesMenu = (n) => [attr(n, "id") || "", ...classesOf(n)].some((name) => MENU_NAME.test(name));
  const landmarkOf = (el) => {
    let menu = false;
    for (let n = parentOf(el); n; n = parentOf(n)) {
      if (LANDMARKS[tagOf(n)]) return LANDMARKS[tagOf(n)];
      const role = attr(n, "role");
      if (role && ROLE_LANDMARKS[role]) return ROLE_LANDMARKS[role];
      if (tagOf(n) === "BODY") break;
      menu = menu || namesMenu(n);
    }
    return menu ? "nav" : "";
  };

  const labelOf = (field) => {
    const labelledby = attr(field, "aria-labelledby");
    if (labelledby) return clean(textById(labelledby));
    if (field.labels && field.labels.length) return clean(textOf(field.labels[0]));
    return clean(attr(field, "aria-label") || attr(field, "placeholder") || attr(field, "title"));
  };

  // The nearest heading or legend before `el` within a few ancestors: tells a newsletter box
  // ("Join our newsletter") from a contact form without reading the whole page.
  const headingBefore = (el) => {
    const inside = first(el, "legend, h1, h2, h3, h4, h5, h6");
    if (inside) return clean(textOf(inside));
    let node = el;
    for (let level = 0; level < 3 && node; level++) {
      for (let sib = previousOf(node); sib; sib = previousOf(sib)) {
        if (/^H[1-6]$/.test(tagOf(sib))) return clean(textOf(sib));
        const h = first(sib, "h1, h2, h3, h4, h5, h6");
        if (h) return clean(textOf(h));
      }
      node = parentOf(node);
    }
    return "";
  };

  const baseURI = getter(N, "baseURI")(document);
  const absolute = (url) => {
    try { return new URL(url, baseURI).href; } catch (e) { return ""; }
  };

  const listOf = (value) => clean(value, 500).split(/[\s,]+/).filter(Boolean);

  // --- expectations (fixtures only) ---
  const expectations = {
    page: listOf(docBody && attr(docBody, "data-expect-page")),
    page_not: listOf(docBody && attr(docBody, "data-expect-page-not")),
    business_type: clean(
      (first(document, 'meta[name="scanner-expect-type"]') || { content: "" }).content),
    elements: [],
  };

  // --- forms ---
  const formEls = bounded("forms", Array.from(all(document, "form, [role=form], [role=search]"))
    .filter((f) => tagOf(f) === "FORM" || !closestOf(f, "form")));
  // A <form>'s controls are the ones it owns, not only those inside it: a form the parser
  // moved out of a <table> is left empty beside its inputs, and form="id" reaches outside it.
  const SUBMIT = "button:not([type=button]):not([type=reset]), input[type=submit], input[type=image]";
  // a form its scripts submit: a plain button, or a link or box styled as its submit
  const SCRIPTED_SUBMIT = "button[type=button], input[type=button], [role=button], a[class*=submit i], span[class*=submit i]";
  const CLICKED_SUBMIT = "div[onclick], span[onclick]";  // the last resort: a clickable box
  const formElements = getter(HTMLFormElement.prototype, "elements");
  const ownedBy = (f) => Array.from(tagOf(f) === "FORM" ? formElements(f)
    : all(f, "input, select, textarea, button"));
  const formRecord = (f, owned = ownedBy(f)) => {
    const controls = owned
      .filter((c) => ["INPUT", "SELECT", "TEXTAREA"].includes(tagOf(c)))
      .filter((c) => !["hidden", "submit", "button", "image", "reset"].includes(c.type))
      .slice(0, MAX.fields);
    // its own submit first (one inside may belong to another form by form="id")
    const submit = owned.find((c) => matchesOf(c, SUBMIT)) || first(f, SUBMIT)
      || first(f, SCRIPTED_SUBMIT) || first(f, CLICKED_SUBMIT) || null;
    return {
      selector: selectorFor(f),
      id: idOf(f),
      name: attr(f, "name") || "",
      action: hasAttr(f, "action") ? absolute(attr(f, "action")) : "",
      method: (attr(f, "method") || "get").toLowerCase(),
      classes: clean(attr(f, "class")),
      role: attr(f, "role") || "",
      fields: controls.map((c) => ({
        tag: tagOf(c).toLowerCase(),
        type: tagOf(c) === "INPUT" ? (attr(c, "type") || "text").toLowerCase()
          : tagOf(c).toLowerCase(),
        name: attr(c, "name") || "",
        id: idOf(c),
        label: labelOf(c),
        autocomplete: attr(c, "autocomplete") || "",
        required: c.required || attr(c, "aria-required") === "true",
        visible: isVisible(c),
      })),
      submit_text: submit ? accessibleName(submit) : "",
      heading: headingBefore(f),
      visible: isVisible(f) || controls.some(isVisible),
      landmark: landmarkOf(f),
      snippet: clean(openingTag(f), 300),
    };
  };
  const forms = formEls.map((f) => formRecord(f));

  // --- sign-up and search boxes no form holds (a script sends what they ask): an e-mail or
  // search field and the nearest button after it, in the nearest ancestor that has one and few
  // controls, recorded as a form that is `formless` under the button's selector (what a click
  // trigger catches; no form submission ever fires) ---
  const LONE_FIELDS = "input[type=email], input[type=search], input[inputmode=email], " +
    "input[inputmode=search], input[autocomplete~=email], input[role=searchbox], " +
    "input:is(:not([type]), [type=text]):is([name*=mail i], [id*=mail i], " +
    "[placeholder*=mail i], [placeholder*='@'], [name*=search i], [id*=search i], " +
    "[placeholder*=search i], [name=q], [name=s], [name=query])";
  // a button, else what scripts make buttons of (a span with a click handler, a link to nowhere)
  const BUTTONS = [
    "button, input[type=submit], input[type=button], input[type=image], [role=button]",
    "[onclick], a[href^='javascript:' i], a[href='#']",
  ];
  const BOX_FIELDS = 6, BOX_CONTROLS = 6;  // more: a screen of an app, a header, not a box
  const FORMED = "form, [role=form], [role=search], template";
  const formless = (el) => !el.form && !closestOf(el, FORMED);
  const FOLLOWS = Node.DOCUMENT_POSITION_FOLLOWING;
  const inside = new Map();  // node -> what boxes need of it, read once
  const contents = (node) => {
    if (!inside.has(node)) {
      inside.set(node, {
        buttons: BUTTONS.map((sel) => Array.from(all(node, sel)).filter(formless)),
        fields: Array.from(all(node, "input, select, textarea")).filter(formless)
          .filter((c) => !["hidden", "submit", "button", "image", "reset"].includes(c.type)),
        busy: all(node, CANDIDATES).length > BOX_CONTROLS,
      });
    }
    return inside.get(node);
  };
  const boxAround = (field) => {
    let node = parentOf(field);
    for (let level = 0; level < 4 && node && node !== docBody; level++, node = parentOf(node)) {
      const box = contents(node);
      for (const buttons of box.buttons) {
        const after = buttons.find((b) => N.compareDocumentPosition.call(field, b) & FOLLOWS);
        if (after) return box.busy || box.fields.length > BOX_FIELDS ? null : [after, node, box];
      }
    }
    return null;
  };
  const boxOfButton = new Map();  // button -> index of its box in forms
  for (const field of bounded("boxes", Array.from(all(document, LONE_FIELDS)).filter(formless))) {
    if (forms.length >= MAX.forms) break;
    const found = boxAround(field);
    if (!found || boxOfButton.has(found[0])) continue;
    const [button, node, box] = found;
    boxOfButton.set(button, forms.length);
    forms.push({
      ...formRecord(node, box.fields), selector: selectorFor(button),
      submit_text: accessibleName(button), formless: true,
    });
  }
  // The form a control belongs to: its form owner, none when its form="id" names no form, or
  // else the role=form or role=search element around it.
  const formOf = (el) => {
    const owner = el.form;
    if (owner && tagOf(owner) === "FORM") return owner;
    if (owner === null && hasAttr(el, "form")) return null;
    return closestOf(el, "form, [role=form], [role=search]");
  };

  // --- clickable candidates, in the document and in open shadow roots ---
  // A control inside a shadow root gets its host's selector: that is the element a click
  // reaches at document level, where GTM listens.
  const inShadow = [];
  const shadowOf = getter(E, "shadowRoot");
  const walkShadows = (root, host) => {
    for (const node of all(root, "*")) {
      const shadow = shadowOf(node);
      if (shadow) {
        const outer = host || node;
        for (const el of all(shadow, CANDIDATES)) inShadow.push([el, outer]);
        walkShadows(shadow, outer);
      }
    }
  };
  walkShadows(document, null);
  // Controls a script makes clickable with nothing in the markup to say so (Vue's heart
  // `<div data-testid="addToWishlist">`, jQuery's `<a class="add-to-favorite-button">`): an
  // anchor without href (not a named anchor, `<a name>`, unless the pointer says it is
  // clicked), or a small box where the pointer cursor begins. A box holding a control, or held
  // by one, is not a control of its own; nor is a box of more than a label, nor an empty box
  // that nothing names (an icon needs a class, an alt, a title or an aria-label).
  const SCRIPTED = "a:not([href]), div, span, li, i, svg, img";
  const pageControls = all(document, CANDIDATES);
  const holdsControl = new Set();
  for (const el of pageControls) {
    for (let n = parentOf(el); n && !holdsControl.has(n); n = parentOf(n)) holdsControl.add(n);
  }
  // whether a box is, or sits in, a control or a label: each ancestor is asked once
  const CONTROL_OR_LABEL = CANDIDATES + ", label";
  const inControl = new Map();
  const withinControl = (el) => {
    const chain = [];
    let found = false;
    for (let n = el; n; n = parentOf(n)) {
      if (inControl.has(n)) { found = inControl.get(n); break; }
      chain.push(n);
      if (matchesOf(n, CONTROL_OR_LABEL)) { found = true; break; }
    }
    for (const n of chain) inControl.set(n, found);
    return found;
  };
  const cursorOf = (el) => getComputedStyle(el).cursor;
  const pointerStarts = (el) => cursorOf(el) === "pointer" &&
    !(parentOf(el) && cursorOf(parentOf(el)) === "pointer");
  const named = (el) => ["class", "alt", "title", "aria-label"].some((a) => clean(attr(el, a)));
  const scripted = [];
  let examined = 0;
  for (const el of all(document, SCRIPTED)) {
    if (examined++ === MAX.examined) {
      cuts.push(`scripted: more than ${MAX.examined} boxes, the first ${MAX.examined} examined`);
      break;
    }
    if (holdsControl.has(el)) continue;
    const anchor = tagOf(el) === "A";
    if (anchor ? hasAttr(el, "name") && !pointerStarts(el) : !pointerStarts(el)) continue;
    if (withinControl(el)) continue;
    const label = clean(textOf(el), 200);
    if (label.length > 80 || (!label && !childrenOf(el).length && !named(el))) continue;
    if (scripted.length === MAX.scripted) {
      cuts.push(`scripted: more than ${MAX.scripted} found, the first ${MAX.scripted} kept`);
      break;
    }
    scripted.push([el, null]);
  }
  const elements = [];
  const seen = new Set();
  const candidates = bounded("elements", [
    ...Array.from(pageControls, (el) => [el, null]), ...inShadow, ...scripted]);
  const elementRecord = (el, host, form) => {
    const tag = tagOf(el).toLowerCase();
    return {
      tag,
      text: accessibleName(el),
      role: attr(el, "role") || "",
      attrs: attrsOf(el),
      href: tag === "a" && hasAttr(el, "href") ? absolute(attr(el, "href")) : "",
      visible: isVisible(el),
      landmark: landmarkOf(host || el),
      form,
      selector: host ? selectorFor(host) : selectorFor(el),
      snippet: snippetOf(el),
    };
  };
  for (const [el, host] of candidates) {
    if (seen.has(el) || closestOf(el, "template")) continue;
    seen.add(el);
    const formEl = host ? null : formOf(el);
    const form = formEl ? formEls.indexOf(formEl) : boxOfButton.get(el);
    elements.push(elementRecord(el, host, form === undefined ? -1 : form));
  }

  // --- same-origin iframes: their forms and controls, marked with landmark "iframe" and the
  // iframe's selector (clicks inside a frame never reach the page's GTM) ---
  // a frame showing this very page (a lazy embed's src="#" placeholder) adds nothing of its own
  const unhashed = (url) => url.split("#")[0];
  const thisPage = unhashed(getter(D, "URL")(document));
  for (const iframe of all(document, "iframe")) {
    let doc = null;
    try { doc = iframe.contentDocument; } catch (e) { doc = null; }
    const frameBody = doc && getter(D, "body")(doc);
    if (!frameBody || !childrenOf(frameBody).length) continue;
    if (unhashed(doc.URL) === thisPage) continue;
    const framed = (record) => ({...record, selector: selectorFor(iframe), landmark: "iframe"});
    const frameForms = Array.from(all(doc, "form"));
    const offset = forms.length;
    forms.push(...frameForms.map((f) => framed(formRecord(f))));
    for (const el of all(doc, CANDIDATES)) {
      if (elements.length >= MAX.elements) break;
      const formEl = formOf(el);
      elements.push(framed(elementRecord(el, null,
        formEl ? offset + frameForms.indexOf(formEl) : -1)));
    }
  }

  // --- frames, media and external scripts (vendors: chat, scheduling, form builders) ---
  const seenScripts = new Set();
  const externalScripts = Array.from(all(document, "script[src]")).filter((s) => {
    const src = absolute(attr(s, "src"));
    if (!src || seenScripts.has(src)) return false;
    seenScripts.add(src);
    return true;
  });
  const embeds = bounded("frames",
    [...all(document, "iframe, video, audio"), ...externalScripts]);
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
  for (const el of all(document, annotated)) {
    expectations.elements.push({
      selector: selectorFor(el),
      expect: listOf(attr(el, "data-expect")),
      expect_not: listOf(attr(el, "data-expect-not")),
      expect_todo: listOf(attr(el, "data-expect-todo")),
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
  for (const s of all(document, 'script[type="application/ld+json"]')) {
    try { collectTypes(JSON.parse(textOf(s))); } catch (e) { /* invalid JSON-LD */ }
  }
  const prop = (scope, name) => {
    const el = first(scope, `[itemprop="${name}"]`);
    return el ? clean(attr(el, "content") || textOf(el), 120) : "";
  };
  for (const el of all(document, "[itemtype]")) {
    const m = /schema\.org\/([A-Za-z]+)/.exec(attr(el, "itemtype"));
    if (m) jsonldTypes.add(m[1]);
    if (m && m[1] === "Product" && !products.length) {
      addProduct({
        name: prop(el, "name"), sku: prop(el, "sku"), price: prop(el, "price"),
        currency: prop(el, "priceCurrency"), brand: prop(el, "brand"), category: prop(el, "category"),
      });
    }
  }

  const meta = {};
  for (const m of all(document, "meta[property], meta[name]")) {
    const key = (m.getAttribute("property") || m.getAttribute("name")).toLowerCase();
    if (["og:type", "generator", "description", "og:site_name", "og:url"].includes(key)) {
      meta[key] = clean(m.getAttribute("content"), 200);
    }
  }
  // the address the site gives its page: a saved or mirrored copy still knows its own site
  const canonical = first(document, 'link[rel~="canonical" i][href]');
  if (canonical) meta.canonical = clean(absolute(canonical.getAttribute("href")), 200);
  if (first(document, "base[href]")) meta.base = clean(baseURI, 200);

  // --- existing tracking: ids in script addresses and inline code ---
  const scriptText = Array.from(all(document, "script"))
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
    Array.from(all(document, "a[href], area[href]"))
      .map((a) => absolute(attr(a, "href"))).filter(Boolean))).sort());

  return {
    title: clean(getter(D, "title")(document)),
    text_length: (docBody && innerTextOf(docBody) || "").length,
    lang: clean(docRoot && attr(docRoot, "lang"), 20),
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
