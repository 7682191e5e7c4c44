// ctomatch web app, company pages: the mission form's budget check, redrawn as the person changes the
// experience band or the budget. The market ranges come from the public rate grid (GET /api/v1/rate-grid);
// the sentences are the page's own (data-* templates, in the page's language). Without JavaScript the
// server draws the same check when the page loads and after each submit.
"use strict";

(() => {
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));

  function setUp() {
    const check = document.getElementById("budget-check");
    const seniority = document.getElementById("seniority");
    const tjmMax = document.getElementById("tjm_max");
    if (!check || !seniority || !tjmMax) return;
    const tjmMin = document.getElementById("tjm_min");
    const range = document.getElementById("market-range");
    const warning = document.getElementById("budget-warning");
    const warningText = document.getElementById("budget-warning-text");
    const wayOut = document.getElementById("budget-way-out");
    const t = check.dataset;
    const french = document.documentElement.lang === "fr";
    const euros = new Intl.NumberFormat(french ? "fr-FR" : "en-GB", {
      style: "currency", currency: "EUR", maximumFractionDigits: 0, minimumFractionDigits: 0,
    });
    const money = (value) => euros.format(value);
    const label = (band) => (french ? band.label_fr : band.label_en);
    let bands = null;

    function draw() {
      if (!bands) return;
      const index = bands.findIndex((b) => b.id === seniority.value);
      if (index < 0) {
        range.textContent = "";
        warning.hidden = true;
        return;
      }
      const band = bands[index];
      const figures = { band: label(band), low: money(band.tjm_low), high: money(band.tjm_high) };
      range.textContent = fill(t.range, figures);
      const max = Number.parseInt(tjmMax.value, 10);
      // The rule of the missions service: a maximum below the band's market low is warned.
      if (!Number.isInteger(max) || max >= band.tjm_low) {
        warning.hidden = true;
        return;
      }
      const options = [fill(t.raise, { tjm: money(band.tjm_low) })];
      // The most senior band below the asked one whose market low the maximum reaches.
      const reachable = bands.slice(0, index).filter((b) => b.tjm_low <= max);
      if (reachable.length) {
        const other = reachable[reachable.length - 1];
        options.push(fill(t.lower, { band: label(other), low: money(other.tjm_low), high: money(other.tjm_high) }));
      }
      const joined = options.length > 1 ? fill(t.or, { first: options[0], second: options[1] }) : options[0];
      warningText.textContent = fill(t.warning, { ...figures, budget: money(max) });
      wayOut.replaceChildren(Object.assign(document.createElement("strong"), { textContent: fill(t.wayOut, { options: joined }) }));
      warning.hidden = false;
    }

    for (const field of [seniority, tjmMax, tjmMin]) {
      if (!field) continue;
      field.addEventListener("input", draw);
      field.addEventListener("change", draw);
    }
    fetch("/api/v1/rate-grid", { headers: { Accept: "application/json" }, credentials: "omit" })
      .then((response) => (response.ok ? response.json() : null))
      .then((grid) => {
        if (grid && Array.isArray(grid.bands)) {
          bands = grid.bands;
          check.dataset.ready = "true";
          draw();
        }
      })
      .catch(() => { /* the server's check stays as drawn */ });
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
