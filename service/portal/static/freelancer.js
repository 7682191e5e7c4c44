// ctomatch web app, freelancer pages: the live market check beside the TJM and the competence filter.
// Progressive enhancements only: the server renders both, and every form works without this file.
"use strict";

(() => {
  const money = (value, locale) =>
    new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-GB", {
      style: "currency", currency: "EUR", maximumFractionDigits: 0,
    }).format(value);

  const fill = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? values[name] : whole));

  function renderMarket(region, data) {
    const d = region.dataset;
    const range = `${money(data.band.tjm_low, d.locale)} – ${money(data.band.tjm_high, d.locale)}`;
    const position = data.position;
    let sentence = fill(d[position], { range });
    if (position === "above" && data.band.tjm_ceiling !== null) {
      const ceiling = money(data.band.tjm_ceiling, d.locale);
      sentence += " " + fill(data.above_ceiling ? d.aboveCeiling : d.ceilingOk, { ceiling });
    }
    const short = { below: d.shortBelow, within: d.shortWithin, above: d.shortAbove }[position];
    const tone = position === "within" ? "tag-ok" : data.above_ceiling ? "tag-warn tag-bad" : "tag-warn";
    const band = d.locale === "fr" ? data.band.label_fr : data.band.label_en;
    let facts = region.querySelector(".market-facts");
    if (!facts) {
      facts = document.createElement("dl");
      facts.className = "facts market-facts";
      const labels = region.dataset;
      for (const [key, label] of [["band", labels.labelBand], ["range", labels.labelRange], ["position", labels.labelPosition]]) {
        const dt = document.createElement("dt");
        dt.textContent = label;
        const dd = document.createElement("dd");
        if (key === "position") {
          const tag = document.createElement("span");
          tag.dataset.market = "position";
          dd.append(tag);
        } else {
          dd.dataset.market = key;
        }
        facts.append(dt, dd);
      }
      region.querySelector(".market-title").after(facts);
    }
    facts.querySelector('[data-market="band"]').textContent = band;
    facts.querySelector('[data-market="range"]').textContent = range;
    const tag = facts.querySelector('[data-market="position"]');
    tag.textContent = short;
    tag.className = `tag ${tone}`;
    const text = region.querySelector('[data-market="sentence"]');
    text.textContent = sentence;
    text.classList.remove("muted");
  }

  function clearMarket(region) {
    const facts = region.querySelector(".market-facts");
    if (facts) facts.remove();
    const text = region.querySelector('[data-market="sentence"]');
    text.textContent = region.dataset.empty;
    text.classList.add("muted");
  }

  function setUpMarket() {
    const region = document.getElementById("market-check");
    const years = document.querySelector('[data-market-input="years"]');
    const tjm = document.querySelector('[data-market-input="tjm"]');
    if (!region || !years || !tjm) return;
    let timer = null;
    let asked = 0;
    const update = async () => {
      const y = Number.parseFloat(years.value.replace(",", "."));
      const t = Number.parseInt(tjm.value, 10);
      if (!Number.isFinite(y) || !Number.isFinite(t) || y < 0 || y > 60 || t < 1 || t > 100000) {
        clearMarket(region);
        return;
      }
      const ask = ++asked;
      try {
        const response = await fetch(`/api/v1/market-check?years=${encodeURIComponent(y)}&tjm=${encodeURIComponent(t)}`, {
          headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        if (!response.ok || ask !== asked) return;
        renderMarket(region, await response.json());
      } catch {
        // Offline or refused: the server-rendered check stays as it was.
      }
    };
    const later = () => { clearTimeout(timer); timer = setTimeout(update, 250); };
    years.addEventListener("input", later);
    tjm.addEventListener("input", later);
  }

  function setUpFilter() {
    const box = document.querySelector('.picker-filter[data-filter-for="competences"]');
    if (!box) return;
    box.hidden = false;
    const input = box.querySelector("input");
    input.addEventListener("input", () => {
      const wanted = input.value.trim().toLowerCase();
      for (const item of document.querySelectorAll("#competences .picker-item")) {
        const ticked = item.querySelector('input[type="checkbox"]').checked;
        item.hidden = wanted !== "" && !ticked && !item.dataset.filterText.includes(wanted);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpMarket();
    setUpFilter();
  });
})();
