// ctomatch console: progressive enhancement only; every page works without this file.
// After a form posts and redirects back, move keyboard focus to the message so it is read out
// and Tab continues from the top of the page rather than from wherever the browser left it.
document.addEventListener("DOMContentLoaded", () => {
  const flash = document.getElementById("flash");
  if (flash) {
    flash.focus({ preventScroll: false });
  }
  followJob(document.getElementById("job"));
});

// The job page: while the job is queued or running, ask the console (session cookie, no API key)
// for its progress every few seconds and write the already worded figures in place; stop once it
// has ended. Without this script the page still shows the figures and a Refresh link.
const JOB_MAX_FAILURES = 5;

function followJob(section) {
  if (!section || section.dataset.jobActive !== "true") {
    return;
  }
  const url = section.dataset.jobProgressUrl;
  const every = Math.max(1, Number(section.dataset.jobPollSeconds) || 2) * 1000;
  let failures = 0;
  const poll = async () => {
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      const type = response.headers.get("content-type") || "";
      if (!response.ok || !type.includes("json")) {
        return; // signed out or the job is gone: the page keeps its last figures and its Refresh link
      }
      failures = 0;
      const job = await response.json();
      showJob(section, job);
      if (job.active) {
        window.setTimeout(poll, every);
      }
    } catch (error) {
      failures += 1;
      if (failures < JOB_MAX_FAILURES) {
        window.setTimeout(poll, every * 2);
      }
    }
  };
  window.setTimeout(poll, every);
}

function showJob(section, job) {
  section.querySelectorAll("[data-job-field]").forEach((element) => {
    const value = job[element.dataset.jobField];
    element.textContent = value === null || value === undefined ? "" : String(value);
  });
  const bar = section.querySelector("progress");
  if (bar) {
    if (job.total_chunks > 0) {
      bar.max = job.total_chunks;
      bar.value = job.done_chunks;
    } else if (!job.active) {
      bar.max = 1;
      bar.value = 1;
    }
    bar.textContent = job.percent_text;
  }
  const error = section.querySelector(".job-error");
  if (error) {
    error.hidden = !job.error;
  }
  const refresh = section.querySelector(".job-refresh");
  if (refresh) {
    refresh.hidden = !job.active;
  }
  section.className = section.className.replace(/\bjob-(queued|running|done|failed)\b/, `job-${job.state}`);
  section.dataset.jobActive = job.active ? "true" : "false";
}
