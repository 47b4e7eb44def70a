// Tousu service worker: keeps the app shell so the app opens with no network.
// The cache name is stamped per build by scripts/stamp-sw.sh (Trunk post_build hook).
"use strict";
const CACHE = "tousu-shell-__TOUSU_BUILD__";
const STATIC = ["/manifest.webmanifest", "/icons/icon.svg", "/icons/icon-192.png", "/icons/icon-512.png"];
const NAVIGATION_TIMEOUT_MS = 4000;

// Precache the shell: the page, and every same-origin file it names (hashed JS, wasm, CSS).
self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const page = await fetch("/", { cache: "no-store" });
    if (!page.ok) throw new Error(`precache: GET / answered ${page.status}`);
    const html = await page.clone().text();
    const assets = new Set(STATIC);
    for (const m of html.matchAll(/(?:href|src)="(\/[^"/][^"]*)"/g)) assets.add(m[1]);
    for (const m of html.matchAll(/'(\/[^']+\.(?:js|wasm))'/g)) assets.add(m[1]);
    await cache.put("/", page);
    await cache.addAll([...assets]);
    await self.skipWaiting();
  })());
});

// Drop the shells of older builds and take control of open pages at once.
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("tousu-shell-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  // The API is never cached here: the sync client owns offline behaviour for data.
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;

  if (request.mode === "navigate") {
    // Network first so a new build arrives when online; the cached shell when not.
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
        // Every address answers the shell of the build this browser uses (field or office,
        // by cookie): keep the latest as the offline page, so an office desk opens offline
        // in the office build it last loaded.
        if (response.ok && (response.headers.get("content-type") || "").startsWith("text/html")) {
          await cache.put("/", response.clone());
        }
        return response;
      } catch (_) {
        return (await cache.match("/", { ignoreVary: true })) || Response.error();
      }
    })());
    return;
  }

  // Files: cache first (hashed names never change), then the network, keeping what we got.
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(request, { ignoreVary: true });
    if (hit) return hit;
    const response = await fetch(request);
    if (response.ok && response.type === "basic") cache.put(request, response.clone());
    return response;
  })());
});
