// DSFR Chart (`@gouvfr/dsfr-chart`) draws its legend inside each chart's shadow root, where the page's stylesheets do
// not reach: without them the legend's colour dots have no size. Give every chart the component's own stylesheet.
(function () {
  const href = document.currentScript.dataset.css;
  customElements.whenDefined("bar-chart").then(async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(await (await fetch(href)).text());
    document.querySelectorAll("bar-chart").forEach((chart) => {
      if (chart.shadowRoot) chart.shadowRoot.adoptedStyleSheets = [...chart.shadowRoot.adoptedStyleSheets, sheet];
    });
  });
})();
