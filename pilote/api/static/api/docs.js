// Swagger UI on /api/docs: its settings come from the page (json_script), so that no inline script is needed.
const settings = JSON.parse(document.getElementById("swagger-settings").textContent);
window.ui = SwaggerUIBundle({ ...settings, dom_id: "#swagger-ui", presets: [SwaggerUIBundle.presets.apis] });
