// The page's dataLayer after load, read in the page's own world: the first 50 entries as JSON
// text (visit.py cleans and shortens them: a page may have replaced the string methods here).
// Clock values (Date objects, gtm.start) are written as "(time)", so that two scans of one site
// record the same entries.
() => {
  if (!Array.isArray(window.dataLayer)) return [];
  const replacer = function (key, value) {
    if (this[key] instanceof Date || key === "gtm.start") return "(time)";
    if (typeof value === "function" || (typeof Node !== "undefined" && value instanceof Node)) {
      return undefined;
    }
    return value;
  };
  const out = [];
  for (let i = 0; i < window.dataLayer.length && i < 50; i++) {
    let text;
    try {
      text = JSON.stringify(window.dataLayer[i], replacer);
    } catch (e) {
      text = "(not serialisable)";
    }
    out.push(text === undefined ? "" : String(text));
  }
  return out;
}
