// Search and filter views of a list page (Polaris IndexFilters), kept in the URL: ?filter=…&q=… (and ?page=
// reset when either changes), so a filtered list can be linked to and survives a reload.
import { useEffect, useRef, useState } from "react";
import { useSearchParams } from "@remix-run/react";
import { IndexFilters, useSetIndexFiltersMode, IndexFiltersMode } from "@shopify/polaris";

export function ListFilters(props: { filters: readonly string[]; labels: Record<string, string>; placeholder: string; loading?: boolean }) {
  const [params, setParams] = useSearchParams();
  const filter = params.get("filter") ?? props.filters[0];
  const [query, setQuery] = useState(params.get("q") ?? "");
  const { mode, setMode } = useSetIndexFiltersMode(params.get("q") ? IndexFiltersMode.Filtering : IndexFiltersMode.Default);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const paramsRef = useRef(params);
  paramsRef.current = params;

  const apply = (change: Record<string, string>) => {
    const next = new URLSearchParams(paramsRef.current);
    for (const [k, v] of Object.entries(change)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    next.delete("page");
    setParams(next, { replace: true, preventScrollReset: true });
  };
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const selected = Math.max(0, props.filters.indexOf(filter));
  return (
    <IndexFilters
      tabs={props.filters.map((f, i) => ({ id: `filter-${f}`, content: props.labels[f] ?? f, index: i, isLocked: true, onAction: () => {} }))}
      selected={selected}
      onSelect={(i) => apply({ filter: i === 0 ? "" : props.filters[i] })}
      queryValue={query}
      queryPlaceholder={props.placeholder}
      onQueryChange={(v) => {
        setQuery(v);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => apply({ q: v.trim() }), 300);
      }}
      onQueryClear={() => {
        setQuery("");
        apply({ q: "" });
      }}
      filters={[]}
      appliedFilters={[]}
      onClearAll={() => {
        setQuery("");
        apply({ q: "" });
      }}
      hideFilters
      canCreateNewView={false}
      cancelAction={{
        onAction: () => {
          setQuery("");
          apply({ q: "" });
        },
        disabled: false,
        loading: false,
      }}
      mode={mode}
      setMode={setMode}
      loading={props.loading}
    />
  );
}
