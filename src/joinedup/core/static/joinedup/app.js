// Starts the GOV.UK Frontend components on every page.
import { initAll } from "../js/govuk-frontend.min.js";

initAll();

// Re-initialise components inside content that htmx swaps in.
document.addEventListener("htmx:afterSettle", (event) => {
  initAll({ scope: event.target });
});
