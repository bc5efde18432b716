// Refreshes the queue overview in place every few seconds (no full reload), and wires the
// "select all" box of the submission list. Plain JS served by the app: no CDN, no framework.
(function () {
  "use strict";
  const table = document.getElementById("queues");
  if (table) {
    const every = Number(table.dataset.refresh || "5") * 1000;
    const render = function (figures) {
      for (const q of figures.queues) {
        const row = table.querySelector("tr[data-queue=\"" + CSS.escape(q.queue) + "\"]");
        if (!row) continue;
        for (const cell of row.querySelectorAll("td[data-field]")) cell.textContent = q[cell.dataset.field];
      }
      const total = table.querySelector("tr.total");
      if (total) for (const cell of total.querySelectorAll("td[data-field]")) cell.textContent = figures.totals[cell.dataset.field];
      const awaiting = document.getElementById("awaiting");
      if (awaiting) awaiting.textContent = figures.awaitingDelivery;
      const stamp = document.getElementById("refreshed");
      if (stamp) stamp.textContent = figures.at;
    };
    const tick = function () {
      fetch(table.dataset.source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (figures) { if (figures) render(figures); })
        .catch(function () { /* keep the last figures; the next tick tries again */ })
        .finally(function () { setTimeout(tick, every); });
    };
    setTimeout(tick, every);
  }
  const all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      for (const box of document.querySelectorAll("input[name=id]")) box.checked = all.checked;
    });
  }
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
})();
