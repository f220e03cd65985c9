// The console's little helpers, no framework: filter a table as one types, sort it by a column,
// go back from an error page, confirm before a weighty action, print.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-filter]").forEach((input) => {
    const table = document.getElementById(input.dataset.filter);
    input.addEventListener("input", () => {
      const wanted = input.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach((row) => {
        row.hidden = wanted !== "" && !row.textContent.toLowerCase().includes(wanted);
      });
    });
  });

  document.querySelectorAll("table.sortable th[data-sort]").forEach((th) => {
    th.addEventListener("click", () => {
      const table = th.closest("table");
      const index = Array.from(th.parentNode.children).indexOf(th);
      const numeric = th.dataset.sort === "num";
      const ascending = th.dataset.order !== "asc";
      th.dataset.order = ascending ? "asc" : "desc";
      const key = (row) => {
        const cell = row.children[index];
        const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
        return numeric ? parseFloat(raw.replace(/,/g, "")) || 0 : raw;
      };
      const body = table.tBodies[0];
      Array.from(body.rows)
        .sort((a, b) => {
          const x = key(a), y = key(b);
          const order = numeric ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return ascending ? order : -order;
        })
        .forEach((row) => body.appendChild(row));
    });
  });

  document.querySelectorAll("a[data-back]").forEach((a) => {
    a.addEventListener("click", (event) => {
      if (history.length > 1) {
        event.preventDefault();
        history.back();
      }
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  document.querySelectorAll("button[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
