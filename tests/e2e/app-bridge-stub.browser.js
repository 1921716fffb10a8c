// A stand-in for Shopify's App Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js) for the offline demo
// and the browser tests, where the CDN and the real admin are out of reach. Plain browser JavaScript. It provides
// what the app uses:
// - window.shopify: idToken(), toast.show(), saveBar, loading(), config, environment;
// - session tokens on same-origin fetches (Authorization: Bearer ...), as App Bridge does for embedded apps, taken
//   from the demo server's /__stub/session-token (a JWT signed with the app secret, like Shopify's);
// - the bounce page (/auth/session-token?shopify-reload=...): reload with a fresh id_token;
// - <ui-save-bar> (shown as a bar over the top of the frame), <ui-nav-menu> and <ui-title-bar> (sent to the
//   surrounding "admin" page, which draws the navigation), and shopify:admin/... links.
// The admin frame talks to it with postMessage: {type: "stub:navigate", href}.
(function (cfg) {
  const w = window;
  if (w.shopify && w.shopify.__stub) return;
  const script = document.currentScript;
  const apiKey = (script && script.getAttribute("data-api-key")) || "";
  const params = new URLSearchParams(location.search);
  const remember = (k, v) => {
    try {
      if (v) sessionStorage.setItem("stub." + k, v);
      return sessionStorage.getItem("stub." + k) || "";
    } catch {
      return v || "";
    }
  };
  const shop = remember("shop", params.get("shop"));
  const host = remember("host", params.get("host"));
  const locale = remember("locale", params.get("locale")) || "en";
  const toParent = (msg) => {
    try {
      if (window.parent !== window) window.parent.postMessage(msg, location.origin);
    } catch {
      /* no admin frame */
    }
  };

  let cached = null;
  const initial = params.get("id_token");
  if (initial) {
    try {
      const claims = JSON.parse(atob(initial.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      cached = { token: initial, exp: claims.exp * 1000 };
    } catch {
      cached = null;
    }
  }
  const realFetch = window.fetch.bind(window);
  async function idToken(fresh) {
    if (!fresh && cached && cached.exp - Date.now() > 10_000) return cached.token;
    const res = await realFetch(cfg.tokenPath + "?shop=" + encodeURIComponent(shop));
    const body = await res.json();
    cached = { token: body.token, exp: body.exp * 1000 };
    return body.token;
  }

  // Session tokens on the app's own requests (loaders, actions, fetchers, resource routes). Like App Bridge, a
  // request the app answers with 401 and X-Shopify-Retry-Invalid-Session-Request is sent once more with a new token.
  window.fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/__stub/")) return realFetch(input, init);
    const given = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    if (given.has("Authorization")) return realFetch(input, init);
    const send = async (fresh) => {
      const headers = new Headers(given);
      headers.set("Authorization", "Bearer " + (await idToken(fresh)));
      if (input instanceof Request) return realFetch(new Request(input.clone(), { ...init, headers }));
      return realFetch(input, { ...init, headers });
    };
    const res = await send(false);
    if (res.status === 401 && res.headers.get("X-Shopify-Retry-Invalid-Session-Request")) return send(true);
    return res;
  };

  // Toasts, drawn in the frame.
  const toastBox = () => {
    let box = document.getElementById("stub-toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "stub-toasts";
      box.setAttribute("aria-live", "polite");
      box.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);z-index:100000;display:flex;flex-direction:column;gap:8px;align-items:center;pointer-events:none";
      document.body.appendChild(box);
    }
    return box;
  };
  const toast = {
    show(message, opts) {
      // Every toast shown, also after it is gone (a test on a loaded machine may look after its 5 seconds).
      (window.__toastHistory = window.__toastHistory || []).push(message);
      const el = document.createElement("div");
      el.className = "stub-toast" + (opts && opts.isError ? " stub-toast-error" : "");
      el.setAttribute("role", "status");
      el.textContent = message;
      el.style.cssText = "background:" + (opts && opts.isError ? "#8e1f0b" : "#303030") + ";color:#fff;padding:10px 16px;border-radius:10px;font:14px system-ui,sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25)";
      toastBox().appendChild(el);
      setTimeout(() => el.remove(), (opts && opts.duration) || 5000);
      return "toast-" + Math.random().toString(36).slice(2);
    },
    hide() {},
  };

  // <ui-save-bar>: hidden until shown; then its buttons sit in a bar over the top of the frame.
  class UiSaveBar extends HTMLElement {
    connectedCallback() {
      this.style.cssText = "display:none";
    }
    get showing() {
      return this.style.display !== "none";
    }
    show() {
      this.style.cssText = "display:flex;position:fixed;top:0;left:0;right:0;z-index:99999;gap:8px;align-items:center;justify-content:flex-end;padding:10px 16px;background:#1a1a1a;color:#fff;font:14px system-ui,sans-serif";
      if (!this.querySelector(".stub-save-bar-label")) {
        const label = document.createElement("span");
        label.className = "stub-save-bar-label";
        label.textContent = "Unsaved changes";
        label.style.cssText = "margin-right:auto;font-weight:600";
        this.prepend(label);
      }
      this.querySelectorAll("button").forEach((b) => {
        const primary = b.getAttribute("variant") === "primary";
        b.style.cssText = "padding:6px 14px;border-radius:8px;border:0;font:600 13px system-ui,sans-serif;cursor:pointer;background:" + (primary ? "#fff" : "#4a4a4a") + ";color:" + (primary ? "#1a1a1a" : "#fff");
        if (b.hasAttribute("loading")) b.setAttribute("aria-busy", "true");
        else b.removeAttribute("aria-busy");
        if (b.hasAttribute("disabled")) b.style.opacity = "0.6";
      });
      this.dispatchEvent(new Event("show"));
    }
    hide() {
      if (!this.showing) return;
      this.style.cssText = "display:none";
      this.dispatchEvent(new Event("hide"));
    }
    toggle() {
      if (this.showing) this.hide();
      else this.show();
    }
  }
  if (!customElements.get("ui-save-bar")) customElements.define("ui-save-bar", UiSaveBar);

  // <ui-nav-menu> and <ui-title-bar> belong to the admin around the app: tell the admin frame about them.
  const postNav = (menu) => {
    const items = Array.from(menu.querySelectorAll("a")).map((a) => ({ href: a.getAttribute("href"), label: (a.textContent || "").trim(), home: a.getAttribute("rel") === "home" }));
    toParent({ type: "stub:nav", items });
  };
  class UiNavMenu extends HTMLElement {
    connectedCallback() {
      this.style.display = "none";
      postNav(this);
      this.observer = new MutationObserver(() => postNav(this));
      this.observer.observe(this, { subtree: true, childList: true, characterData: true });
    }
    disconnectedCallback() {
      if (this.observer) this.observer.disconnect();
    }
  }
  if (!customElements.get("ui-nav-menu")) customElements.define("ui-nav-menu", UiNavMenu);
  class UiTitleBar extends HTMLElement {
    connectedCallback() {
      this.style.display = "none";
      toParent({ type: "stub:title", title: this.getAttribute("title") || "" });
    }
  }
  if (!customElements.get("ui-title-bar")) customElements.define("ui-title-bar", UiTitleBar);

  // Navigation asked for by the admin frame goes through the app's router (AppProvider listens for shopify:navigate).
  window.addEventListener("message", (e) => {
    if (e.origin !== location.origin || !e.data || e.data.type !== "stub:navigate") return;
    const a = document.createElement("a");
    a.setAttribute("href", e.data.href);
    a.style.display = "none";
    document.body.appendChild(a);
    a.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
    a.remove();
  });
  const reportLocation = () => toParent({ type: "stub:location", path: location.pathname + location.search });
  for (const k of ["pushState", "replaceState"]) {
    const orig = history[k].bind(history);
    history[k] = (...args) => {
      const r = orig(...args);
      reportLocation();
      return r;
    };
  }
  window.addEventListener("popstate", reportLocation);

  // shopify:admin/… links open a page of Shopify admin; here the admin frame shows what would open.
  document.addEventListener(
    "click",
    (e) => {
      const a = e.target && e.target.closest ? e.target.closest("a[href^='shopify:']") : null;
      if (!a) return;
      e.preventDefault();
      const href = a.getAttribute("href") || "";
      toParent({ type: "stub:admin-link", href });
      toast.show("Shopify admin: " + href.replace(/^shopify:admin\//, ""));
    },
    true,
  );

  w.shopify = {
    __stub: true,
    config: { apiKey, shop, host, locale },
    environment: { embedded: true, mobile: false, pos: false },
    origin: location.origin,
    idToken,
    toast,
    loading(on) {
      document.documentElement.toggleAttribute("data-stub-loading", !!on);
    },
    saveBar: {
      show: async (id) => { const el = document.getElementById(id); if (el) el.show(); },
      hide: async (id) => { const el = document.getElementById(id); if (el) el.hide(); },
      toggle: async (id) => { const el = document.getElementById(id); if (el) el.toggle(); },
      leaveConfirmation: async () => undefined,
    },
    user: async () => ({ accountAccess: "Account owner" }),
  };

  // The bounce page: come back with a fresh session token in the URL.
  const reload = params.get("shopify-reload");
  if (reload) {
    idToken().then((token) => {
      const target = new URL(reload, location.href);
      target.searchParams.set("id_token", token);
      location.replace(target.toString());
    });
  }
  reportLocation();
})(window.__STUB_CONFIG__ || { tokenPath: "/__stub/session-token" });
