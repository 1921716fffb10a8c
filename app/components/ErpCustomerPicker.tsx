// A field for an ERP customer number with suggestions from the ERP master (number, name, email, city). What is
// typed is the value, so an unknown number reaches the server's validation and its message shows at the field.
import { useEffect, useRef, useState } from "react";
import { Autocomplete } from "@shopify/polaris";
import { useI18n } from "../i18n";

interface Pick {
  no: string;
  name: string;
  email: string;
  city: string;
}

export function ErpCustomerPicker(props: {
  label: string;
  value: string;
  onChange(no: string): void;
  error?: string | false;
  helpText?: string;
  labelHidden?: boolean;
  id?: string;
}) {
  const { m } = useI18n();
  const [found, setFound] = useState<Pick[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [input, setInput] = useState(props.value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(0);
  useEffect(() => setInput(props.value), [props.value]);
  // Suggestions come from a plain fetch (App Bridge adds the session token), not a Remix fetcher: a failed lookup
  // (offline, the route manifest not loaded yet) only means no suggestions; it must never take the page down.
  const search = (q: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      const ticket = ++latest.current;
      setLoading(true);
      try {
        const res = await fetch(`/app/erp-search?q=${encodeURIComponent(q.trim())}`, { headers: { Accept: "application/json" } });
        const body = res.ok ? ((await res.json()) as { customers?: Pick[] }) : null;
        if (ticket === latest.current) setFound(body?.customers ?? []);
      } catch {
        if (ticket === latest.current) setFound([]);
      } finally {
        if (ticket === latest.current) setLoading(false);
      }
    }, 200);
  };
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const options = (found ?? []).map((c) => ({
    value: c.no,
    label: [c.no, c.name, c.city].filter(Boolean).join(" · "),
  }));
  return (
    <Autocomplete
      options={options}
      selected={props.value ? [props.value] : []}
      loading={loading}
      emptyState={found ? m.common.noResults : undefined}
      onSelect={(selected) => {
        const no = selected[0] ?? "";
        setInput(no);
        props.onChange(no);
      }}
      textField={
        <Autocomplete.TextField
          id={props.id}
          label={props.label}
          labelHidden={props.labelHidden}
          value={input}
          placeholder={m.common.erpCustomerPlaceholder}
          helpText={props.helpText}
          error={props.error || undefined}
          autoComplete="off"
          clearButton
          onClearButtonClick={() => {
            setInput("");
            props.onChange("");
          }}
          onFocus={() => search(input)}
          onChange={(v) => {
            setInput(v);
            props.onChange(v.trim());
            search(v);
          }}
        />
      }
    />
  );
}
