// DSFR Chart (`@gouvfr/dsfr-chart`) draws its legend inside each chart's shadow root, where the page's stylesheets do
// not reach: without them the legend's colour dots have no size. Give every chart the component's own stylesheet,
// whose URL the page gives on <script id="chart-styles" data-css="…">.
const href = document.getElementById("chart-styles").dataset.css;

customElements.whenDefined("bar-chart").then(async () => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(await (await fetch(href)).text());
  for (const chart of document.querySelectorAll("bar-chart")) {
    if (chart.shadowRoot) chart.shadowRoot.adoptedStyleSheets = [...chart.shadowRoot.adoptedStyleSheets, sheet];
  }
});
