// Suggestions for @mentions in comment forms (progressive enhancement: without this script people type
// "@" and the address themselves). Typing "@" and two letters lists the people who may read the conversation;
// arrow keys move through them, Enter or a click writes "@address ", Escape closes the list.
const forms = document.querySelectorAll("form[data-mentions-url]");

function mentionAt(textarea) {
  const before = textarea.value.slice(0, textarea.selectionStart);
  const match = before.match(/(?:^|\s)@([^\s@]{2,}[^\s]*)$/);
  return match ? { text: match[1], start: before.length - match[1].length - 1 } : null;
}

forms.forEach((form, formIndex) => {
  form.querySelectorAll("textarea[data-mentions]").forEach((textarea, index) => {
    const listId = `mentions-${formIndex}-${index}`;
    const list = document.createElement("ul");
    list.id = listId;
    list.className = "portal-mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", textarea.dataset.mentionsLabel || "People you can mention");
    list.hidden = true;
    const status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    textarea.after(list, status);
    textarea.setAttribute("aria-controls", listId);
    textarea.setAttribute("aria-autocomplete", "list");
    let active = -1;
    let results = [];
    let pending = null;

    const close = () => { list.hidden = true; active = -1; textarea.removeAttribute("aria-activedescendant"); };
    const choose = (person) => {
      const mention = mentionAt(textarea);
      if (!mention) return;
      const value = textarea.value;
      const end = textarea.selectionStart;
      textarea.value = `${value.slice(0, mention.start)}@${person.email} ${value.slice(end)}`;
      const caret = mention.start + person.email.length + 2;
      textarea.setSelectionRange(caret, caret);
      close();
      textarea.focus();
    };
    const show = () => {
      list.replaceChildren(...results.map((person, i) => {
        const item = document.createElement("li");
        item.id = `${listId}-${i}`;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", i === active ? "true" : "false");
        item.textContent = `${person.name} (${person.organisation}) ${person.email}`;
        item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(person); });
        return item;
      }));
      list.hidden = results.length === 0;
      status.textContent = results.length ? `${results.length} people found` : "";
      if (active >= 0) textarea.setAttribute("aria-activedescendant", `${listId}-${active}`);
    };

    textarea.addEventListener("input", () => {
      const mention = mentionAt(textarea);
      if (!mention) { close(); return; }
      clearTimeout(pending);
      pending = setTimeout(async () => {
        const params = new URLSearchParams({ q: mention.text, initiative: form.dataset.initiative || "" });
        if (form.dataset.update) params.set("update", form.dataset.update);
        const response = await fetch(`${form.dataset.mentionsUrl}?${params}`, { credentials: "same-origin" });
        if (!response.ok) return;
        results = (await response.json()).results;
        active = results.length ? 0 : -1;
        show();
      }, 200);
    });
    textarea.addEventListener("keydown", (event) => {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + results.length) % results.length;
        show();
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(results[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    textarea.addEventListener("blur", () => setTimeout(close, 150));
  });
});
