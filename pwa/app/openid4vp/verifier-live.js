// The employer's request page: ask the server every two seconds whether the answer came,
// and show it (by loading the page again) the moment it did. Without JavaScript the page
// refreshes itself (a meta refresh inside <noscript>).
const state = document.getElementById("request-state");

async function poll() {
  try {
    const response = await fetch(state.dataset.statusUrl, {headers: {Accept: "application/json"},
                                                             cache: "no-store"});
    if (response.ok) {
      const body = await response.json();
      if (body.state !== "waiting") {
        window.location.reload();
        return;
      }
    }
  } catch {
    // offline for a moment: try again
  }
  setTimeout(poll, 2000);
}

if (state && state.dataset.state === "waiting") {
  setTimeout(poll, 2000);
}
