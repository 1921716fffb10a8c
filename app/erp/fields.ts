// The ERP customer master's fields and their lengths (spec §1). The engine cuts longer values and logs `truncated`.
export const ERP_CUSTOMER_TEXT_FIELDS = {
  no: 20,
  name: 100,
  name2: 50,
  contact: 100,
  address: 100,
  address2: 50,
  postCode: 20,
  city: 30,
  county: 30,
  countryCode: 10,
  phoneNo: 30,
  email: 80,
  templateCode: 20,
  genBusPostingGroup: 20,
  customerPostingGroup: 20,
  vatBusPostingGroup: 20,
  paymentTermsCode: 10,
  taxAreaCode: 20,
} as const;

export type ErpTextField = keyof typeof ERP_CUSTOMER_TEXT_FIELDS;

export interface ErpCustomer {
  no: string;
  name: string;
  name2: string;
  contact: string;
  address: string;
  address2: string;
  postCode: string;
  city: string;
  county: string;
  countryCode: string;
  phoneNo: string;
  email: string;
  templateCode: string;
  genBusPostingGroup: string;
  customerPostingGroup: string;
  vatBusPostingGroup: string;
  paymentTermsCode: string;
  taxAreaCode: string;
  taxLiable: boolean;
  blocked: boolean;
}

export const ERP_CUSTOMER_FIELDS = [...Object.keys(ERP_CUSTOMER_TEXT_FIELDS), "taxLiable", "blocked"] as Array<keyof ErpCustomer>;

export function emptyErpCustomer(no: string): ErpCustomer {
  return {
    no, name: "", name2: "", contact: "", address: "", address2: "", postCode: "", city: "", county: "",
    countryCode: "", phoneNo: "", email: "", templateCode: "", genBusPostingGroup: "", customerPostingGroup: "",
    vatBusPostingGroup: "", paymentTermsCode: "", taxAreaCode: "", taxLiable: false, blocked: false,
  };
}

/** Pick the ERP fields from a database row (drops shop and timestamps). */
export function toErpCustomer(row: any): ErpCustomer {
  const c = emptyErpCustomer(String(row.no));
  for (const k of ERP_CUSTOMER_FIELDS) if (row[k] !== undefined && row[k] !== null) (c as any)[k] = row[k];
  return c;
}
