// ctomatch web app: small progressive enhancements; every page works without them.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Copy buttons: <button data-copy="#element-id" data-copied="Copied">…</button>
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.querySelector(button.dataset.copy);
      if (!source) return;
      const text = source.value !== undefined ? source.value : source.textContent;
      try {
        await navigator.clipboard.writeText(text.trim());
      } catch {
        if (source.select) { source.select(); document.execCommand("copy"); }
      }
      const status = document.getElementById(button.getAttribute("aria-controls") || "");
      if (status) status.textContent = button.dataset.copied || "";
    });
  }
  // Bring the error summary or the flash message into view (and to screen readers) after a submit.
  const summary = document.getElementById("form-errors") || document.getElementById("flash");
  if (summary) summary.focus();
});
