(() => {
  "use strict";
  const table = document.getElementById("plan-table");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const text = document.getElementById("filter-text");
  const tier = document.getElementById("filter-tier");
  const conversion = document.getElementById("filter-conversion");
  const shown = document.getElementById("shown");

  function filter() {
    const words = text.value.trim().toLowerCase();
    let count = 0;
    for (const row of rows) {
      const keep = (!words || row.textContent.toLowerCase().includes(words))
        && (!tier.value || row.dataset.tier === tier.value)
        && (!conversion.value || row.dataset.conversion === conversion.value);
      row.hidden = !keep;
      count += keep ? 1 : 0;
    }
    shown.textContent = String(count);
  }

  function sortBy(header, column) {
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const key = (row) => row.cells[column].dataset.sort ?? row.cells[column].textContent.trim();
    const numeric = rows.every((row) => row.cells[column].dataset.sort !== undefined);
    rows.sort((a, b) => {
      const order = numeric ? Number(key(a)) - Number(key(b)) : key(a).localeCompare(key(b));
      return ascending ? order : -order;
    });
    body.append(...rows);
  }

  for (const input of [text, tier, conversion]) input.addEventListener("input", filter);
  Array.from(table.tHead.rows[0].cells).forEach((header, column) => {
    header.querySelector("button").addEventListener("click", () => sortBy(header, column));
  });
  filter();
})();
