/* Instant search and keyboard shortcuts. The pages work without this file; it only adds speed.
 *
 * - As the user types (IME composition included: 분ㅅ already matches), results come from the
 *   same JSON API the server page uses, debounced, with stale requests aborted.
 * - Keystroke searches carry typing=1 and are not logged; once typing settles, one logged
 *   request gives the search id that result links carry for click analytics.
 * - The address follows the query: the first instant search pushes one history entry (so Back returns
 *   to the page the user typed on), later keystrokes replace it; popstate restores what was on screen.
 * - Votes are sent without a reload; after "아니요" the next step (related articles, contact channels,
 *   a comment box) is shown. The forms work the same without this file.
 * - Agent console: "/" focuses search, arrows move, Enter opens, C copies the short answer, L the link.
 * - In the static export (form[data-static-index]) the same answers come from the browser search
 *   (static-search.js) instead of the API; nothing is logged, and ?q= in the address is searched on load.
 */
(() => {
  "use strict";
  const form = document.querySelector("form.search");
  const input = form ? form.querySelector("#q") : null;
  const results = document.getElementById("results");
  const pageContent = Array.from(document.querySelectorAll("[data-page-content]"));
  const isAgent = document.body.classList.contains("agent");
  const isStatic = Boolean(form && form.dataset.staticIndex && window.KBStaticSearch);
  const settingsBlock = document.getElementById("site-settings");
  const SETTINGS = settingsBlock ? JSON.parse(settingsBlock.textContent) : {};
  const CONTACT = SETTINGS.contact || {};
  /* One sentence from site/site.yml, with {q}/{n} filled in (the templates use the same strings). */
  function t(name, values) {
    let text = (SETTINGS.strings || {})[name] || "";
    for (const [key, value] of Object.entries(values || {})) text = text.split("{" + key + "}").join(String(value));
    return text;
  }
  const TYPING_DELAY = 120;
  const SETTLE_DELAY = 1500;
  let controller = null;
  let typingTimer = null;
  let settleTimer = null;
  let renderedQuery = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /* Spans count code points (Python's str), not UTF-16 units: slice an array of code points,
     or an emoji before a match would shift every highlight. */
  function highlighted(text, spans) {
    const chars = Array.from(text);
    const fragment = document.createDocumentFragment();
    let pos = 0;
    for (const [start, end] of spans || []) {
      if (start > pos) fragment.append(chars.slice(pos, start).join(""));
      fragment.append(el("mark", {}, chars.slice(start, end).join("")));
      pos = end;
    }
    if (pos < chars.length) fragment.append(chars.slice(pos).join(""));
    return fragment;
  }

  function searchUrl(params) {
    const url = new URL(form.getAttribute("action"), location.href);
    for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
    return url.pathname + url.search;
  }

  function notices(data) {
    const out = [];
    if (data.layout_fixed) {
      out.push(el("p", { class: "notice", dataset: { kind: "layout" } },
        el("strong", {}, data.interpreted_as), t("searched_as") + " ",
        el("small", {}, t("typed_as") + " ", el("a", { href: searchUrl({ q: data.query, exact: "1" }), title: t("typed_as_title") }, data.query))));
    }
    if (data.initials) {
      out.push(el("p", { class: "notice", dataset: { kind: "initials" } },
        t("initials") + " " + data.query.trim() + " → ", el("strong", {}, data.interpreted_as || data.query.trim()),
        t("searched_as")));
    }
    if (data.autocorrected_from) {
      out.push(el("p", { class: "notice", dataset: { kind: "autocorrect" } },
        el("strong", {}, data.interpreted_as), t("searched_as") + " ",
        el("a", { href: searchUrl({ q: data.autocorrected_from, exact: "1" }) }, data.autocorrected_from + t("search_as_typed"))));
    }
    if (data.did_you_mean) {
      out.push(el("p", { class: "notice", dataset: { kind: "typo" } },
        t("did_you_mean") + " ", el("a", { href: searchUrl({ q: data.did_you_mean }) }, data.did_you_mean)));
    }
    return out;
  }

  function chips(data) {
    const counts = data.category_counts || {};
    const keys = Object.keys(counts);
    if (isAgent || !keys.length) return null;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const nav = el("nav", { class: "chips", "aria-label": "분야별 결과" },
      el("a", { href: searchUrl({ q: data.query }), "aria-current": data.category ? null : "page" }, "전체 " + total));
    const labels = data.category_labels || {};
    const ordered = (data.category_order || []).filter((key) => counts[key]); // the site's category order
    for (const key of ordered.length ? ordered : keys) {
      nav.append(el("a", { href: searchUrl({ q: data.query, category: key }), "aria-current": data.category === key ? "page" : null },
        (labels[key] || key) + " " + counts[key]));
    }
    return nav;
  }

  function resultItem(hit, rank, searchId) {
    let href = hit.url;
    if (searchId) href += (href.includes("?") ? "&" : "?") + "sid=" + searchId + "&r=" + rank;
    return el("li", {
        class: "result" + (hit.audience === "internal" ? " internal" : ""),
        dataset: { id: hit.id, answer: hit.short_answer, url: new URL(hit.share_url || hit.url, location.href).href },
      },
      el("a", { class: "title", href }, highlighted(hit.title, hit.title_highlights)),
      " ", el("span", { class: "category" }, hit.category_label),
      hit.audience === "internal" ? el("span", { class: "badge" }, "내부용") : null,
      el("p", { class: "answer" }, hit.short_answer),
      el("p", { class: "snippet" }, highlighted(hit.snippet, hit.snippet_highlights)));
  }

  function suggestions(data) {
    const shown = new Set(data.results.map((r) => r.id));
    const extra = (data.suggestions || []).filter((s) => !shown.has(s.id));
    if (!extra.length) return null;
    const list = el("ul", { class: "links" });
    for (const s of extra) list.append(el("li", {}, el("a", { href: s.url }, s.text)));
    return el("section", { class: "suggestions", "aria-label": "추천 질문" }, el("h2", {}, t("maybe_looking_for")), list);
  }

  function showPageContent(shown) {
    for (const node of pageContent) node.hidden = !shown;
  }

  function render(data) {
    results.replaceChildren();
    showPageContent(!data.query.trim());
    if (!data.query.trim()) return;
    results.append(...notices(data));
    const nav = chips(data);
    if (nav) results.append(nav);
    if (data.results.length) {
      if (!isAgent) results.append(el("p", { class: "count", id: "result-count" }, t("result_count", { n: data.total })));
      const list = el("ol", { class: "results", id: "result-list" });
      data.results.forEach((hit, i) => list.append(resultItem(hit, i + 1, data.search_id)));
      results.append(list);
      if (!isAgent && data.total > data.results.length) {
        const shown = data.results.length;
        const href = searchUrl({ q: data.completed_as || data.query, category: data.category, page: 2 });
        results.append(el("nav", { class: "pages", "aria-label": "검색 결과 페이지" },
          el("a", { class: "more", rel: "next", href, dataset: { offset: shown } },
            t("more_results") + " ", el("small", {}, "(" + shown + "/" + data.total + ")"))));
      }
    } else if (!(data.suggestions || []).length) {
      const empty = el("section", { class: "empty" },
        el("h1", {}, t("no_results", { q: data.query })),
        el("p", {}, t("no_results_help")),
        el("p", {}, (CONTACT.phone_hours ? CONTACT.phone_hours + " " : "") + "고객센터 ",
          el("a", { class: "tel", href: CONTACT.tel }, CONTACT.phone), "으로 전화하셔도 됩니다."));
      if ((data.popular || []).length) {
        const list = el("ul", { class: "links" });
        for (const a of data.popular) list.append(el("li", {}, el("a", { href: a.url }, a.title)));
        empty.append(el("h2", {}, t("popular")), list);
      }
      results.append(empty);
    }
    const more = suggestions(data);
    if (more) results.append(more);
    if (combobox) combobox.show(data.suggestions || []);
  }

  /* "더 보기": the next results appended in place (without JavaScript the link opens the next page). */
  async function loadMore(link) {
    const list = document.getElementById("result-list");
    const next = new URL(link.href, location.href);
    const offset = Number(link.dataset.offset);
    const url = new URL(form.dataset.api || location.href, location.href);
    for (const key of ["q", "category"]) if (next.searchParams.get(key)) url.searchParams.set(key, next.searchParams.get(key));
    url.searchParams.set("offset", String(offset));
    url.searchParams.set("limit", "20");
    url.searchParams.set("from", "web");
    url.searchParams.set("typing", "1"); // the same search, already logged
    link.setAttribute("aria-busy", "true");
    try {
      let data;
      if (isStatic) {
        const more = { limit: offset + 20, category: next.searchParams.get("category"), exact: next.searchParams.get("exact") === "1" };
        data = await window.KBStaticSearch.search(next.searchParams.get("q") || "", more);
        data = { ...data, results: data.results.slice(offset) };
      } else {
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error("HTTP " + response.status);
        data = await response.json();
      }
      const searchId = next.searchParams.get("sid") || list.dataset.searchId;
      const items = data.results.map((hit, i) => resultItem(hit, offset + i + 1, searchId));
      list.append(...items);
      const shown = offset + items.length;
      if (!items.length || shown >= data.total) link.closest("nav").remove();
      else {
        link.dataset.offset = String(shown);
        next.searchParams.set("page", String(Math.floor(shown / 20) + 1));
        link.href = next.pathname + next.search;
        link.querySelector("small").textContent = "(" + shown + "/" + data.total + ")";
        link.removeAttribute("aria-busy");
      }
      const first = items[0] && items[0].querySelector("a.title");
      if (first) first.focus({ preventScroll: true }); // keyboard and screen reader users continue at the new results
    } catch (error) {
      link.removeAttribute("aria-busy");
      location.href = link.href; // the page works without JavaScript: let it
    }
  }

  /* The settled (logged) request returns the results already shown: only give their links the search id. */
  function attachSearchId(data) {
    if (!data.search_id) return;
    const list = document.getElementById("result-list");
    if (list) list.dataset.searchId = data.search_id;
    const links = document.querySelectorAll("#result-list > li.result > a.title");
    links.forEach((link, i) => {
      const url = new URL(link.getAttribute("href"), location.href);
      url.searchParams.set("sid", data.search_id);
      url.searchParams.set("r", String(i + 1));
      link.setAttribute("href", url.pathname + url.search);
    });
  }

  /* ---------- suggestion list under the box (ARIA 1.2 combobox; customers only) ----------
     Arrow keys move through it (aria-activedescendant keeps focus in the box, so typing goes on),
     Enter opens the chosen question, Escape closes the list (a second Escape clears the box).
     The agent console keeps arrow keys for its result list. */

  function makeCombobox() {
    const listbox = el("ul", { id: "suggest-list", role: "listbox", class: "suggest-list", "aria-label": t("suggestions_label") });
    listbox.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    form.append(listbox);
    let options = [];
    let active = -1;

    function setActive(index) {
      active = index;
      listbox.querySelectorAll("[role=option]").forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", "suggest-" + index);
        listbox.children[index].scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }
    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }
    function show(list) {
      const activeId = active >= 0 && options[active] ? options[active].id : null;
      options = list.slice(0, 6);
      listbox.replaceChildren(...options.map((s, i) => el("li", { id: "suggest-" + i, role: "option", "aria-selected": "false", dataset: { index: i } },
        s.text, s.text !== s.title ? el("small", {}, s.title) : null)));
      active = -1;
      input.removeAttribute("aria-activedescendant");
      const open = options.length > 0 && document.activeElement === input;
      listbox.hidden = !open;
      input.setAttribute("aria-expanded", String(open));
      // a late answer for the same text must not lose the user's place in the list
      if (open && activeId) setActive(options.findIndex((s) => s.id === activeId));
    }
    function choose(index) {
      const chosen = options[index];
      if (!chosen) return;
      close();
      location.href = chosen.url;
    }
    listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the box
    listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) choose(Number(option.dataset.index));
    });
    input.addEventListener("blur", close);
    /* true when the key was the list's to handle */
    function key(event) {
      if (event.key === "Escape" && !listbox.hidden) { close(); return true; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (listbox.hidden) {
          if (!options.length || event.key === "ArrowUp") return false;
          listbox.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        const step = event.key === "ArrowDown" ? 1 : -1;
        const next = active + step;
        setActive(next < -1 ? options.length - 1 : next >= options.length ? -1 : next);
        return true;
      }
      if (event.key === "Enter" && !listbox.hidden && active >= 0) { choose(active); return true; }
      return false;
    }
    return { show, close, key };
  }

  const combobox = form && input && results && (form.dataset.api || isStatic) && !isAgent ? makeCombobox() : null;

  /* ---------- the address follows the query ---------- */

  const initial = {
    url: location.href,
    q: input ? input.value : "",
    title: document.title,
    results: results ? Array.from(results.childNodes, (node) => node.cloneNode(true)) : [],
  };
  // Where an emptied box points: the page typed on, unless that page was itself a search.
  const clearedPath = new URL(location.href).searchParams.has("q")
    ? new URL(form ? form.getAttribute("action") : location.pathname, location.href).pathname
    : location.pathname + location.search;
  let ownEntry = false; // is the current history entry one that instant search pushed?

  function followAddress(q, category) {
    const target = q.trim() ? searchUrl({ q, category }) : clearedPath;
    document.title = q.trim() ? q.trim() + " - " + initial.title.split(" - ").pop() : initial.title;
    if (target === location.pathname + location.search) return;
    // file:// lets a page change only its own address: the static export then keeps the page it is on
    if (location.protocol === "file:" && new URL(target, location.href).pathname !== location.pathname) return;
    try {
      if (q.trim() && !ownEntry) {
        history.pushState({ instant: true }, "", target); // one entry per search session: Back returns here
        ownEntry = true;
      } else {
        history.replaceState(ownEntry ? { instant: true } : history.state, "", target);
      }
    } catch (error) {
      // a browser that refuses the change still shows the results
    }
  }

  function restoreFromAddress() {
    clearTimeout(typingTimer);
    clearTimeout(settleTimer);
    if (controller) controller.abort();
    ownEntry = false; // typing again starts a new entry; the forward ones are dropped as usual
    if (location.href === initial.url) {
      input.value = initial.q;
      results.replaceChildren(...initial.results.map((node) => node.cloneNode(true)));
      showPageContent(true);
      document.title = initial.title;
      renderedQuery = initial.q;
      return;
    }
    const q = new URL(location.href).searchParams.get("q") || "";
    input.value = q;
    if (q.trim()) search(q, true, false);
    else {
      render({ query: "", results: [] });
      renderedQuery = "";
    }
  }

  async function staticSearch(q, moveAddress, limit = 20, suggest = true, exact = false) {
    const category = form.querySelector("input[name=category]");
    try {
      const data = await window.KBStaticSearch.search(q, { limit, suggest, exact, category: category ? category.value : null });
      if (input.value !== q) return; // the user has typed on
      render(data);
      renderedQuery = q;
      if (moveAddress) followAddress(q, data.category);
    } catch (error) {
      console.warn("search failed", error);
    }
  }

  async function search(q, typing, moveAddress = true) {
    if (isStatic) return typing ? staticSearch(q, moveAddress) : undefined; // nothing to log
    if (controller) controller.abort();
    controller = new AbortController();
    const url = new URL(form.dataset.api, location.href);
    url.searchParams.set("q", q);
    url.searchParams.set("limit", "20");
    url.searchParams.set("suggest", "1");
    if (!/\s$/.test(q)) url.searchParams.set("prefix", "1"); // the last word is still being typed: 카드 분 → 분실
    url.searchParams.set("from", "web");
    const category = form.querySelector("input[name=category]");
    if (category && category.value) url.searchParams.set("category", category.value);
    if (typing) url.searchParams.set("typing", "1");
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const data = await response.json();
      if (input.value !== q) return; // the user has typed on; a newer request is coming
      if (!typing && q === renderedQuery) {
        attachSearchId(data); // same results already on screen: keep the agent's selection and focus
      } else {
        render(data);
        renderedQuery = q;
      }
      if (moveAddress) followAddress(q, data.category);
    } catch (error) {
      if (error.name !== "AbortError") console.warn("instant search failed", error);
    }
  }

  if (form && input && results && (form.dataset.api || isStatic)) {
    input.addEventListener("input", () => {
      clearTimeout(typingTimer);
      clearTimeout(settleTimer);
      const q = input.value;
      if (!q.trim()) {
        if (controller) controller.abort();
        if (combobox) combobox.close();
        render({ query: "", results: [] });
        renderedQuery = "";
        followAddress("", null);
        return;
      }
      typingTimer = setTimeout(() => search(q, true), isStatic ? 30 : TYPING_DELAY);
      if (!isStatic) settleTimer = setTimeout(() => search(q, false), SETTLE_DELAY);
    });
    window.addEventListener("popstate", restoreFromAddress);
    if (isStatic) {
      // no server renders ?q=: search it here (shareable links), and drop the "needs JavaScript" notice
      const needsJavascript = document.getElementById("needs-javascript");
      if (needsJavascript) needsJavascript.hidden = true;
      const asked = new URLSearchParams(location.search).get("q");
      const category = new URLSearchParams(location.search).get("category");
      if (category && !form.querySelector("input[name=category]")) {
        form.append(el("input", { type: "hidden", name: "category", value: category }));
      }
      if (asked && asked.trim()) {
        input.value = asked;
        initial.q = asked;
        const page = Math.max(1, Number(new URLSearchParams(location.search).get("page")) || 1);
        // ?page=N: the "더 보기" link without JavaScript's help; no suggestion list, as on the server's page
        staticSearch(asked, false, 20 * page, false, new URLSearchParams(location.search).get("exact") === "1");
      }
    }
  }

  /* On a phone the category tabs scroll sideways: show the current one. */
  const currentTab = document.querySelector(".category-tabs [aria-current]");
  if (currentTab) currentTab.scrollIntoView({ block: "nearest", inline: "center" });

  /* ---------- "도움이 되었나요?" without a reload ---------- */

  async function sendFeedback(event) {
    const target = event.target;
    if (!target.matches("form[data-vote], form[data-comment]")) return;
    event.preventDefault();
    const body = new FormData(target, event.submitter || undefined);
    const status = document.getElementById("vote-status");
    target.querySelectorAll("button").forEach((button) => { button.disabled = true; });
    let answer;
    try {
      const response = await fetch(target.action, { method: "POST", body, headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("HTTP " + response.status);
      answer = await response.json();
    } catch (error) {
      target.querySelectorAll("button").forEach((button) => { button.disabled = false; });
      status.replaceChildren(el("p", { class: "error" }, "의견을 보내지 못했습니다. 잠시 후 다시 시도해 주세요."));
      return;
    }
    const next = document.getElementById("vote-next");
    if (target.matches("[data-vote]")) {
      const legend = target.querySelector("legend");
      target.replaceWith(el("h2", { id: legend ? legend.id : null, class: "visually-hidden" }, "도움이 되었나요?"));
      status.replaceChildren(el("p", { class: "notice" }, t("vote_thanks")));
      if (answer.helpful === "no" && next) {
        next.hidden = false;
        if (answer.commented) next.querySelectorAll("form[data-comment]").forEach((form) => form.remove());
      }
    } else {
      target.remove();
      status.replaceChildren(el("p", { class: "notice" }, t("comment_thanks")));
    }
    status.setAttribute("tabindex", "-1");
    status.focus({ preventScroll: true }); // the buttons are gone: keep the keyboard user here, without a jump
  }

  document.addEventListener("submit", sendFeedback);

  /* ---------- keyboard ---------- */

  function items() {
    return Array.from(document.querySelectorAll("#result-list > li.result"));
  }

  function select(index) {
    const list = items();
    if (!list.length) return;
    const next = Math.max(0, Math.min(list.length - 1, index));
    list.forEach((item, i) => item.classList.toggle("selected", i === next));
    const link = list[next].querySelector("a.title");
    if (link) link.focus();
  }

  function selectedIndex() {
    return items().findIndex((item) => item.classList.contains("selected") || item.contains(document.activeElement));
  }

  function toast(message) {
    const box = document.getElementById("toast");
    if (!box) return;
    box.textContent = message;
    box.classList.add("shown");
    clearTimeout(box._timer);
    box._timer = setTimeout(() => box.classList.remove("shown"), 2000);
  }

  async function copy(text, message) {
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      const area = el("textarea", { "aria-hidden": "true", class: "visually-hidden" }, text);
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    toast(message);
  }

  function currentRecord() {
    const list = items();
    const index = selectedIndex();
    if (index >= 0) return list[index];
    return document.querySelector("article.result") || list[0] || null;
  }

  function copyFrom(kind) {
    const record = currentRecord();
    if (!record) return;
    if (kind === "answer") copy(record.dataset.answer, "짧은 답변을 복사했습니다.");
    else copy(record.dataset.url, "링크를 복사했습니다.");
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (button) copyFrom(button.dataset.copy);
    const more = event.target.closest("a.more[data-offset]");
    if (more && form && (form.dataset.api || isStatic) && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      if (!more.hasAttribute("aria-busy")) loadMore(more);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (combobox && target === input && combobox.key(event)) {
      event.preventDefault();
      return;
    }
    const inField = target.matches("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !inField && input) {
      event.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (inField && target !== input) return;
      if (!items().length) return;
      event.preventDefault();
      const index = selectedIndex();
      select(event.key === "ArrowDown" ? index + 1 : index < 0 ? 0 : index - 1);
      return;
    }
    if (event.key === "Escape" && target === input) {
      input.value = "";
      input.dispatchEvent(new Event("input"));
      return;
    }
    if (!isAgent || inField) return;
    const key = event.key.toLowerCase();
    if (key === "c" || key === "ㅊ") {
      event.preventDefault();
      copyFrom("answer");
    } else if (key === "l" || key === "ㅣ") {
      event.preventDefault();
      copyFrom("url");
    }
  });
})();
