// App Bridge toasts (shown by Shopify admin over the app). Safe to call before App Bridge is there: it does nothing.
export function toast(message: string, o: { isError?: boolean; duration?: number } = {}) {
  if (typeof window === "undefined") return;
  const shopify = (window as unknown as { shopify?: { toast?: { show(m: string, o?: object): void } } }).shopify;
  shopify?.toast?.show(message, { duration: o.duration ?? 5000, isError: o.isError ?? false });
}
