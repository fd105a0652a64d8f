// What GTM's click, link-click and form listeners would see on this page, without clicking or
// submitting anything: for each control a visitor can click, the element at its centre (what
// a click there targets: the control itself, a child of it, or an element covering it), that
// element's nearest link, and which of the container's CSS selectors each matches; for each
// form, its variables. Run in an isolated world with the arguments as JSON.
(args) => {
  const {selectors, planned, formsPlanned} = args;
  const CONTROLS = "a[href], area[href], button, input[type=submit], input[type=button], " +
    "input[type=image], [role=button], [role=link], summary, [onclick]";
  const text = (value) => String(value || "").replace(/\s+/g, " ").trim().slice(0, 100);
  const classes = (element) => text(element.getAttribute("class"));
  const describe = (element) => {
    if (!element) return "";
    let out = element.tagName.toLowerCase();
    if (element.getAttribute("id")) out += "#" + element.getAttribute("id");
    const names = classes(element).split(" ").filter(Boolean).slice(0, 2);
    if (names.length) out += "." + names.join(".");
    const label = text(element.innerText || element.getAttribute("aria-label") ||
      element.getAttribute("value") || element.getAttribute("href")).slice(0, 40);
    return label ? `${out} "${label}"` : out;
  };
  const matching = (element) => {
    if (!element) return [];
    const found = [];
    selectors.forEach((selector, index) => {
      try { if (element.matches(selector)) found.push(index); } catch (error) { /* invalid */ }
    });
    return found;
  };
  const query = (selector) => {
    try { return Array.from(document.querySelectorAll(selector)); } catch (error) { return []; }
  };
  // attributes, not properties: a form's .id and .action are its fields named id and action
  const url = (element) => {
    const value = element.getAttribute("href") ?? element.getAttribute("action");
    if (value === null) return "";
    try { return new URL(value, document.baseURI).href; } catch (error) { return value; }
  };
  const variables = (element) => element ? {
    matches: matching(element), url: url(element), text: text(element.innerText ||
      element.textContent), id: element.getAttribute("id") || "", classes: classes(element),
    target: element.getAttribute("target") || "", description: describe(element),
  } : null;
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" &&
      style.display !== "none" && Number(style.opacity) !== 0;
  };

  // the controls, then the planned elements that are none of them, each once
  const subjects = [];
  const index = new Map();
  const add = (element) => {
    if (!index.has(element)) { index.set(element, subjects.length); subjects.push(element); }
    return index.get(element);
  };
  for (const element of document.querySelectorAll(CONTROLS)) add(element);
  const plannedAt = planned.map((selector) => query(selector).map(add));

  const seen = subjects.map((element) => {
    const shown = visible(element);
    let target = null;
    if (shown) {
      element.scrollIntoView({block: "center", inline: "center"});
      const box = element.getBoundingClientRect();
      target = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    }
    const within = [];
    if (target) {
      subjects.forEach((other, at) => { if (other.contains(target)) within.push(at); });
    }
    const covered = Boolean(target) && !element.contains(target);
    const link = target && target.closest("a[href], area[href]");
    return {
      description: describe(element),
      visible: shown,
      covered,
      cover: covered ? describe(target) : "",
      within,
      click: variables(target),
      link: variables(link),
    };
  });
  window.scrollTo(0, 0);

  const forms = [];
  const formIndex = new Map();
  const addForm = (element) => {
    if (!formIndex.has(element)) { formIndex.set(element, forms.length); forms.push(element); }
    return formIndex.get(element);
  };
  for (const form of document.forms) addForm(form);
  const formsPlannedAt = formsPlanned.map((selector) => query(selector).map(addForm));

  return {
    url: location.href,
    subjects: seen,
    planned: plannedAt,
    forms: forms.map((form) => ({
      is_form: form instanceof HTMLFormElement,
      element: variables(form),
    })),
    forms_planned: formsPlannedAt,
  };
}
