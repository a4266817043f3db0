/** The scan moved to the rule book (the CLI's inventory check uses it too): model/json-duplicates.ts. */
export { findDuplicateKeys } from "../../model/json-duplicates";
