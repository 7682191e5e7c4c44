// The review queue's enhancements; the queue works without them.
//
// Keyboard: j / k (or ↓ / ↑) move to the next / previous row, s shortlists, a approves, p proposes
// (or approves and proposes a pending row), r opens "Reject…" with the cursor in its reason, o or
// Enter opens the match, x ticks the row for the bulk form, ? shows the list. Keys typed in a field
// are left alone.
(() => {
  const table = document.querySelector("table.queue");
  if (!table) return;
  const rows = () => [...table.querySelectorAll("tbody tr[data-match-id]")];
  let current = null;

  const select = (row, focus = true) => {
    if (!row) return;
    if (current) current.classList.remove("current");
    current = row;
    row.classList.add("current");
    row.setAttribute("tabindex", "-1");
    if (focus) row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  };

  const move = (step) => {
    const all = rows();
    if (!all.length) return;
    const at = current ? all.indexOf(current) : -1;
    select(all[Math.min(Math.max(at + step, 0), all.length - 1)] || all[0]);
  };

  const submit = (row, ...actions) => {
    for (const action of actions) {
      const field = row.querySelector(`form input[name=action][value="${action}"]`);
      if (field && field.form && !field.closest("details:not([open])")) {
        field.form.requestSubmit();
        return true;
      }
    }
    return false;
  };

  const openReject = (row) => {
    const details = row.querySelector("details.reject-details");
    if (details) {
      details.open = true;
      details.querySelector("input[name=reason]")?.focus();
    }
  };

  // The bulk form: a live count of the ticked rows, and a box that ticks the whole page.
  const count = document.getElementById("bulk-count");
  const all = document.getElementById("select-all");
  const boxes = () => [...table.querySelectorAll("tbody input.row-select")];
  const recount = () => {
    if (!count) return;
    const ticked = boxes().filter((box) => box.checked).length;
    count.textContent = ticked === 0 ? count.dataset.none
      : ticked === 1 ? count.dataset.one : count.dataset.many.replace("{count}", String(ticked));
    if (all) {
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
    }
  };
  if (all) {
    all.closest(".bulk-all").hidden = false;
    all.addEventListener("change", () => {
      for (const box of boxes()) box.checked = all.checked;
      recount();
    });
  }
  table.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.classList.contains("row-select")) recount();
  });
  const toggle = (row) => {
    const box = row.querySelector("input.row-select");
    if (box) {
      box.checked = !box.checked;
      recount();
    }
  };
  recount();

  // A decided row stays in view: start from the row just decided (the last one the page keeps).
  const kept = new URLSearchParams(location.search).get("kept");
  const last = kept ? kept.split(",").pop() : null;
  select(last ? document.getElementById(`match-${last}`) : null, false);

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape") {
        const details = target.closest("details.reject-details");
        if (details) {
          details.open = false;
          select(details.closest("tr"));
        }
      }
      return;
    }
    const row = current;
    const handled = {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      s: () => row && submit(row, "shortlist"),
      a: () => row && submit(row, "approve"),
      p: () => row && submit(row, "propose", "approve_propose"),
      r: () => row && openReject(row),
      x: () => row && toggle(row),
      o: () => row && row.querySelector("a[href^='/console/matches/']")?.click(),
      Enter: () => target === row && row.querySelector("a[href^='/console/matches/']")?.click(),
      "?": () => {
        const help = document.getElementById("queue-shortcuts");
        if (help) help.open = !help.open;
      },
    }[event.key];
    if (handled && (row || ["j", "k", "ArrowDown", "ArrowUp", "?"].includes(event.key))) {
      if (event.key === "Enter" && target !== row) return;
      event.preventDefault();
      handled();
    }
  });

  // Opening "Reject…" puts the cursor in its reason, which the rejection needs.
  document.addEventListener("toggle", (event) => {
    const details = event.target;
    if (details instanceof HTMLDetailsElement && details.classList.contains("reject-details") && details.open) {
      details.querySelector("input[name=reason]")?.focus();
    }
  }, true);

  // A fact or reason cut at the column's edge shows whole on hover (its text is all there for a
  // screen reader already).
  const titleCut = () => {
    for (const line of table.querySelectorAll(".row-facts li, .why li, .one-line")) {
      if (line.scrollWidth > line.clientWidth + 1) line.title = line.textContent.replace(/\s+/g, " ").trim();
      else line.removeAttribute("title");
    }
  };
  titleCut();
  window.addEventListener("resize", titleCut);

  table.addEventListener("click", (event) => {
    const row = event.target instanceof Element ? event.target.closest("tr[data-match-id]") : null;
    if (row) select(row, false);
  });
})();
