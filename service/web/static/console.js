// ctomatch console: progressive enhancement only; every page works without this file.
// After a form posts and redirects back, move keyboard focus to the message so it is read out
// and Tab continues from the top of the page rather than from wherever the browser left it.
document.addEventListener("DOMContentLoaded", () => {
  const flash = document.getElementById("flash");
  if (flash) {
    flash.focus({ preventScroll: false });
  }
});
