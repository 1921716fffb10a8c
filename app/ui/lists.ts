// The filter views and page sizes of the list pages, shared by their loaders and their components.
export const CUSTOMER_FILTERS = ["all", "linked", "unlinked", "attention", "deleted"] as const;
export type CustomerFilter = (typeof CUSTOMER_FILTERS)[number];

export const ERP_FILTERS = ["all", "linked", "unlinked", "blocked"] as const;
export type ErpFilter = (typeof ERP_FILTERS)[number];

export const ORDER_FILTERS = ["all", "needsCustomer", "mapped", "manual"] as const;
export type OrderFilter = (typeof ORDER_FILTERS)[number];

export const PAGE_SIZE = 50;
