// A field for an ERP customer number with suggestions from the ERP master (number, name, email, city). What is
// typed is the value, so an unknown number reaches the server's validation and its message shows at the field.
import { useEffect, useRef, useState } from "react";
import { useFetcher } from "@remix-run/react";
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
  const fetcher = useFetcher<{ customers: Pick[] }>();
  const [input, setInput] = useState(props.value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => setInput(props.value), [props.value]);
  const search = (q: string) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => fetcher.load(`/app/erp-search?q=${encodeURIComponent(q.trim())}`), 200);
  };
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const options = (fetcher.data?.customers ?? []).map((c) => ({
    value: c.no,
    label: [c.no, c.name, c.city].filter(Boolean).join(" · "),
  }));
  return (
    <Autocomplete
      options={options}
      selected={props.value ? [props.value] : []}
      loading={fetcher.state === "loading"}
      emptyState={fetcher.data ? m.common.noResults : undefined}
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
