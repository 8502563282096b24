// Combobox of EPCI and communes (WAI-ARIA 1.2 "list autocomplete" pattern) over the plain text fields of a perimeter
// request: typing shows the places matching a name, an INSEE code or a SIREN, with their département; ↓/↑ move,
// Entrée chooses (the field then reads « Nom (code) », which the server resolves exactly), Échap closes.
// Without this module the field stays a text field, resolved by name or code when the form is posted.
const DELAY = 200;

function combobox(wrapper) {
  const input = wrapper.querySelector("input");
  const listId = `${input.id}-options`;
  const list = document.createElement("ul");
  list.id = listId;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", `Suggestions pour « ${input.labels[0].firstChild.textContent.trim()} »`);
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "fr-sr-only";
  status.setAttribute("role", "status");
  wrapper.append(list, status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  let options = [];
  let active = -1;
  let timer = null;
  let asked = 0;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(index) {
    input.value = options[index].dataset.value;
    close();
  }

  function show(results) {
    list.replaceChildren();
    options = results.map((place, i) => {
      const option = document.createElement("li");
      option.id = `${listId}-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.value = place.label;
      const where = place.in_territory ? " — déjà dans le territoire" : "";
      const name = document.createElement("span");
      const detail = document.createElement("small");
      name.textContent = `${place.kind_label} ${place.label}`;
      detail.textContent = `${place.departements}${where}`;
      option.append(name, detail);
      option.addEventListener("mousedown", (event) => {
        event.preventDefault(); // keep the focus in the field
        choose(i);
      });
      list.append(option);
      return option;
    });
    const count = results.length;
    status.textContent = count ? `${count} suggestion${count > 1 ? "s" : ""}` : "Aucune suggestion";
    list.hidden = count === 0;
    input.setAttribute("aria-expanded", String(count > 0));
    active = -1;
  }

  async function search() {
    const text = input.value.trim();
    if (text.length < 2) {
      close();
      return;
    }
    const ticket = ++asked;
    const response = await fetch(`${wrapper.dataset.places}?q=${encodeURIComponent(text)}`);
    if (!response.ok || ticket !== asked) return;
    show((await response.json()).results);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DELAY);
  });
  input.addEventListener("keydown", (event) => {
    const open = !list.hidden && options.length > 0;
    if (event.key === "ArrowDown" && open) {
      event.preventDefault();
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault(); // choosing is not submitting
      choose(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);
}

document.querySelectorAll(".ti-combobox[data-places]").forEach(combobox);
