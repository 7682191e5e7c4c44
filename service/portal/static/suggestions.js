// ctomatch web app: "Suggest competences from this text" under a profile's summary or a mission's
// description. Sends the text to /suggestions (a form post with the page's CSRF token), then lists
// each competence or CTO mission it names, with the words that name it and a button that ticks it in
// the form's pickers. Nothing is saved until the form is. A progressive enhancement: without this file
// the button stays hidden and the form is unchanged.
"use strict";

(() => {
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));

  // Where each mode's pickers are, whether an item is already there, and how to add it.
  const pickers = {
    profile: {
      control(item) {
        return item.kind === "cto_mission"
          ? document.querySelector(`input[name="cto_mission"][value="${CSS.escape(item.id)}"]`)
          : document.getElementById(`competence-${item.id}`);
      },
      present: (control) => control.checked,
      ways: [{ how: "tick", label: "add", aria: "addLabel" }],
      add(item, control) {
        control.checked = true;
        const level = document.getElementById(`level-${item.id}`);
        if (level && item.kind !== "cto_mission") level.value = "3";
        control.dispatchEvent(new Event("change", { bubbles: true }));
      },
    },
    mission: {
      control(item) {
        return item.kind === "cto_mission"
          ? document.querySelector(`input[name="cto_missions"][value="${CSS.escape(item.id)}"]`)
          : document.getElementById(`competence-${item.id}`);
      },
      present: (control) => (control.type === "checkbox" ? control.checked : control.value !== ""),
      ways: [
        { how: "required", label: "addRequired", aria: "addRequiredLabel" },
        { how: "nice", label: "addNice", aria: "addNiceLabel" },
      ],
      add(item, control, how) {
        if (control.type === "checkbox") control.checked = true;
        else control.value = how;
        control.dispatchEvent(new Event("change", { bubbles: true }));
      },
    },
  };

  function setUp(panel) {
    const t = panel.dataset;
    const mode = pickers[t.suggestMode];
    const source = document.getElementById(t.suggestSource);
    const form = panel.closest("form");
    const token = form && form.querySelector('input[name="_csrf_token"]');
    if (!mode || !source || !token) return;
    const button = panel.querySelector(".suggest-button");
    const status = panel.querySelector(".suggest-status");
    const list = panel.querySelector(".suggest-list");
    button.hidden = false;
    let asked = 0;

    const say = (text) => { status.textContent = text; };

    function present(row, control) {
      row.classList.add("suggestion-present");
      const tag = Object.assign(document.createElement("span"), { className: "tag tag-ok", textContent: t.present });
      row.querySelector(".suggestion-actions").replaceChildren(tag);
      return tag;
    }

    function draw(items) {
      list.replaceChildren();
      for (const item of items) {
        const control = mode.control(item);
        if (!control) continue; // not offered by this form's pickers
        const row = Object.assign(document.createElement("li"), { className: "suggestion" });
        row.dataset.suggestion = item.id;
        const text = Object.assign(document.createElement("div"), { className: "suggestion-text" });
        const kind = item.kind === "cto_mission" ? t.kindCtoMission : t.kindCompetence;
        text.append(
          Object.assign(document.createElement("span"), { className: "suggestion-label", textContent: item.label }),
          Object.assign(document.createElement("span"), { className: "tag", textContent: kind }),
          Object.assign(document.createElement("span"), {
            className: "suggestion-words", textContent: fill(t.from, { words: item.words.join(", ") }),
          }),
        );
        const actions = Object.assign(document.createElement("div"), { className: "suggestion-actions" });
        row.append(text, actions);
        list.append(row);
        if (mode.present(control)) {
          present(row, control);
          continue;
        }
        const ways = item.kind === "cto_mission" ? mode.ways.slice(0, 1) : mode.ways;
        for (const way of ways) {
          const add = Object.assign(document.createElement("button"), {
            type: "button", className: "btn btn-quiet", textContent: item.kind === "cto_mission" ? t.add : t[way.label],
          });
          add.setAttribute("aria-label", fill(item.kind === "cto_mission" ? t.addLabel : t[way.aria], { name: item.label }));
          add.addEventListener("click", () => {
            mode.add(item, control, way.how);
            const tag = present(row, control);
            tag.textContent = t.added;
            tag.tabIndex = -1;
            tag.focus();
            say(fill(t.addedStatus, { name: item.label }));
          });
          actions.append(add);
        }
      }
      const count = list.children.length;
      say(count === 0 ? t.none : count === 1 ? t.foundOne : fill(t.foundMany, { count: String(count) }));
    }

    button.addEventListener("click", async () => {
      const text = source.value.trim();
      if (!text) {
        list.replaceChildren();
        say(t.emptyText);
        source.focus();
        return;
      }
      const ask = ++asked;
      say(t.looking);
      button.disabled = true;
      try {
        const response = await fetch("/suggestions", {
          method: "POST",
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          body: new URLSearchParams({ text, _csrf_token: token.value }),
        });
        if (ask !== asked) return;
        const body = await response.json().catch(() => null);
        if (response.ok && body && Array.isArray(body.items)) draw(body.items);
        else say(body && body.error ? body.error : t.failed);
      } catch {
        if (ask === asked) say(t.failed);
      } finally {
        button.disabled = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const panel of document.querySelectorAll("[data-suggest-source]")) setUp(panel);
  });
})();
