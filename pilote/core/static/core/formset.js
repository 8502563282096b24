// « Ajouter un … » under a formset (components/_formset.html): copies the empty line of the <template>, numbered
// after the last one, and counts it in the management form's TOTAL_FORMS. Without this script the button stays hidden.
for (const button of document.querySelectorAll("[data-formset-add]")) {
  const prefix = button.dataset.formsetAdd;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.getElementById(`${prefix}-empty`);
  const max = Number(button.dataset.max);
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    if (index >= max) return;
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    button.parentElement.insertAdjacentHTML("beforebegin", html);
    total.value = String(index + 1);
    button.disabled = index + 1 >= max;
    const line = button.parentElement.previousElementSibling;
    line.querySelector("input:not([type=hidden]), select, textarea")?.focus();
  });
}
